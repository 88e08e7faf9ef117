/**
 * Every public signing test vector collected in hyperliquid.md §4 (Python SDK, Rust SDK, nktkas)
 * plus the intermediate values of §4.4. Signatures are compared as integers: the Python SDK prints
 * r/s without leading zeros, ours are zero-padded.
 */
import { SigningKey, TypedDataEncoder, Wallet } from 'ethers';
import {
  actionHash,
  actionHashPreimage,
  APPROVE_BUILDER_FEE_TYPES,
  cancelAction,
  encodeMsgpack,
  floatToIntForHashing,
  l1Constants,
  l1Digest,
  l1TypedData,
  orderAction,
  recoverL1Signer,
  recoverUserSignedSigner,
  scheduleCancelAction,
  signL1Action,
  signUserSignedAction,
  toHex,
  USD_SEND_TYPES,
  userSignedDomain,
  WITHDRAW_TYPES,
  type Signature,
} from '../../../src/exchange/hyperliquid';

type Expected = { r: string; s: string; v: number };
function expectSig(actual: Signature, expected: Expected): void {
  expect({ r: BigInt(actual.r), s: BigInt(actual.s), v: actual.v }).toEqual({ r: BigInt(expected.r), s: BigInt(expected.s), v: expected.v });
  expect(actual.r).toMatch(/^0x[0-9a-f]{64}$/);
  expect(actual.s).toMatch(/^0x[0-9a-f]{64}$/);
}
/** 65-byte r‖s‖v hex (Rust SDK format) → {r,s,v}. */
function split65(hex: string): Expected {
  const h = hex.slice(2);
  return { r: '0x' + h.slice(0, 64), s: '0x' + h.slice(64, 128), v: parseInt(h.slice(128, 130), 16) };
}

describe('Python SDK vectors (tests/signing_test.py)', () => {
  const wallet = new Wallet('0x0123456789012345678901234567890123456789012345678901234567890123');
  const dummy = { type: 'dummy', num: 100000000000 };
  const order = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, tif: 'Gtc' }]);
  const orderCloid = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, tif: 'Gtc', cloid: '0x00000000000000000000000000000001' }]);
  const tpsl = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, trigger: { isMarket: true, triggerPx: '103', tpsl: 'sl' } }]);
  const vault = '0x1719884eb866cb12b2287399b15f7db5e7d775ea';

  test('wallet address', () => {
    expect(wallet.address.toLowerCase()).toBe('0x14791697260e4c9a71f18484c9f997b308e59325');
  });

  test('phantom agent connectionId for an ETH IOC order', () => {
    const a = orderAction([{ asset: 4, isBuy: true, px: '1670.1', sz: '0.0147', reduceOnly: false, tif: 'Ioc' }]);
    expect(actionHash(a, 1677777606040)).toBe('0x0fcbeda5ae3c4950a548021552a4fea2226858c4453571bf3f24ba017eac2908');
  });

  test('float_to_int_for_hashing', () => {
    expect(floatToIntForHashing('1000')).toBe(BigInt(100000000000));
    expect(floatToIntForHashing('123123123123')).toBe(BigInt('12312312312300000000'));
    expect(floatToIntForHashing('0.00001231')).toBe(BigInt(1231));
    expect(floatToIntForHashing('1.033')).toBe(BigInt(103300000));
    expect(() => floatToIntForHashing('0.000012312312')).toThrow(/rounded/);
  });

  const cases: [string, object, string | undefined, { main: Expected; test: Expected }][] = [
    ['dummy', dummy, undefined, {
      main: { r: '0x53749d5b30552aeb2fca34b530185976545bb22d0b3ce6f62e31be961a59298', s: '0x755c40ba9bf05223521753995abb2f73ab3229be8ec921f350cb447e384d8ed8', v: 27 },
      test: { r: '0x542af61ef1f429707e3c76c5293c80d01f74ef853e34b76efffcb57e574f9510', s: '0x17b8b32f086e8cdede991f1e2c529f5dd5297cbe8128500e00cbaf766204a613', v: 28 },
    }],
    ['order', order, undefined, {
      main: { r: '0xd65369825a9df5d80099e513cce430311d7d26ddf477f5b3a33d2806b100d78e', s: '0x2b54116ff64054968aa237c20ca9ff68000f977c93289157748a3162b6ea940e', v: 28 },
      test: { r: '0x82b2ba28e76b3d761093aaded1b1cdad4960b3af30212b343fb2e6cdfa4e3d54', s: '0x6b53878fc99d26047f4d7e8c90eb98955a109f44209163f52d8dc4278cbbd9f5', v: 27 },
    }],
    ['order with cloid', orderCloid, undefined, {
      main: { r: '0x41ae18e8239a56cacbc5dad94d45d0b747e5da11ad564077fcac71277a946e3', s: '0x3c61f667e747404fe7eea8f90ab0e76cc12ce60270438b2058324681a00116da', v: 27 },
      test: { r: '0xeba0664bed2676fc4e5a743bf89e5c7501aa6d870bdb9446e122c9466c5cd16d', s: '0x7f3e74825c9114bc59086f1eebea2928c190fdfbfde144827cb02b85bbe90988', v: 28 },
    }],
    ['dummy with vault', dummy, vault, {
      main: { r: '0x3c548db75e479f8012acf3000ca3a6b05606bc2ec0c29c50c515066a326239', s: '0x4d402be7396ce74fbba3795769cda45aec00dc3125a984f2a9f23177b190da2c', v: 28 },
      test: { r: '0xe281d2fb5c6e25ca01601f878e4d69c965bb598b88fac58e475dd1f5e56c362b', s: '0x7ddad27e9a238d045c035bc606349d075d5c5cd00a6cd1da23ab5c39d4ef0f60', v: 27 },
    }],
    ['tpsl order', tpsl, undefined, {
      main: { r: '0x98343f2b5ae8e26bb2587daad3863bc70d8792b09af1841b6fdd530a2065a3f9', s: '0x6b5bb6bb0633b710aa22b721dd9dee6d083646a5f8e581a20b545be6c1feb405', v: 27 },
      test: { r: '0x971c554d917c44e0e1b6cc45d8f9404f32172a9d3b3566262347d0302896a2e4', s: '0x206257b104788f80450f8e786c329daa589aa0b32ba96948201ae556d5637eac', v: 28 },
    }],
    ['scheduleCancel', scheduleCancelAction(), undefined, {
      main: { r: '0x6cdfb286702f5917e76cd9b3b8bf678fcc49aec194c02a73e6d4f16891195df9', s: '0x6557ac307fa05d25b8d61f21fb8a938e703b3d9bf575f6717ba21ec61261b2a0', v: 27 },
      test: { r: '0xc75bb195c3f6a4e06b7d395acc20bbb224f6d23ccff7c6a26d327304e6efaeed', s: '0x342f8ede109a29f2c0723bd5efb9e9100e3bbb493f8fb5164ee3d385908233df', v: 28 },
    }],
    ['scheduleCancel with time', scheduleCancelAction(123456789), undefined, {
      main: { r: '0x609cb20c737945d070716dcc696ba030e9976fcf5edad87afa7d877493109d55', s: '0x16c685d63b5c7a04512d73f183b3d7a00da5406ff1f8aad33f8ae2163bab758b', v: 28 },
      test: { r: '0x4e4f2dbd4107c69783e251b7e1057d9f2b9d11cee213441ccfa2be63516dc5bc', s: '0x706c656b23428c8ba356d68db207e11139ede1670481a9e01ae2dfcdb0e1a678', v: 27 },
    }],
    ['createSubAccount', { type: 'createSubAccount', name: 'example' }, undefined, {
      main: { r: '0x51096fe3239421d16b671e192f574ae24ae14329099b6db28e479b86cdd6caa7', s: '0xb71f7d293af92d3772572afb8b102d167a7cef7473388286bc01f52a5c5b423', v: 27 },
      test: { r: '0xa699e3ed5c2b89628c746d3298b5dc1cca604694c2c855da8bb8250ec8014a5b', s: '0x53f1b8153a301c72ecc655b1c315d64e1dcea3ee58921fd7507e35818fcc1584', v: 28 },
    }],
    ['subAccountTransfer', { type: 'subAccountTransfer', subAccountUser: '0x1d9470d4b963f552e6f671a81619d395877bf409', isDeposit: true, usd: 10 }, undefined, {
      main: { r: '0x43592d7c6c7d816ece2e206f174be61249d651944932b13343f4d13f306ae602', s: '0x71a926cb5c9a7c01c3359ec4c4c34c16ff8107d610994d4de0e6430e5cc0f4c9', v: 28 },
      test: { r: '0xe26574013395ad55ee2f4e0575310f003c5bb3351b5425482e2969fa51543927', s: '0xefb08999196366871f919fd0e138b3a7f30ee33e678df7cfaf203e25f0a4278', v: 28 },
    }],
  ];

  test.each(cases)('%s (mainnet and testnet), and the signer recovers', (_name, action, vaultAddress, want) => {
    const main = signL1Action(wallet, action, 0, { isMainnet: true, vaultAddress });
    const test = signL1Action(wallet.signingKey, action, 0, { isMainnet: false, vaultAddress });
    expectSig(main, want.main);
    expectSig(test, want.test);
    expect(recoverL1Signer(action, 0, { isMainnet: true, vaultAddress }, want.main)).toBe(wallet.address);
    expect(recoverL1Signer(action, 0, { isMainnet: false, vaultAddress }, want.test)).toBe(wallet.address);
    // the other network's signature recovers someone else: the replay protection the source byte gives
    expect(recoverL1Signer(action, 0, { isMainnet: false, vaultAddress }, want.main)).not.toBe(wallet.address);
  });

  const usdMsg = { destination: '0x5e9ee1089755c3435139848e47e6635505d5a13a', amount: '1', time: 1687816341423 };
  test('usdSend (user-signed, testnet, chain 0x66eee)', () => {
    const action = { type: 'usdSend', signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', ...usdMsg };
    const want = { r: '0x637b37dd731507cdd24f46532ca8ba6eec616952c56218baeff04144e4a77073', s: '0x11a6a24900e6e314136d2592e2f8d502cd89b7c15b198e1bee043c9589f9fad7', v: 27 };
    expectSig(signUserSignedAction(wallet, action, USD_SEND_TYPES), want);
    expect(recoverUserSignedSigner(action, USD_SEND_TYPES, want)).toBe(wallet.address);
  });
  test('withdraw3 (user-signed, testnet)', () => {
    const action = { type: 'withdraw3', signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', ...usdMsg };
    const want = { r: '0x8363524c799e90ce9bc41022f7c39b4e9bdba786e5f9c72b20e43e1462c37cf9', s: '0x58b1411a775938b83e29182e8ef74975f9054c8e97ebf5ec2dc8d51bfc893881', v: 28 };
    expectSig(signUserSignedAction(wallet, action, WITHDRAW_TYPES), want);
    expect(recoverUserSignedSigner(action, WITHDRAW_TYPES, want)).toBe(wallet.address);
  });
});

describe('Rust SDK vectors (nonce 1583838, no vault)', () => {
  const key = new SigningKey('0xe908f86dbb4d55ac876378565aafeabc187f6690f046459397b17d9b9a19688e');
  const nonce = 1583838;
  const address = new Wallet(key).address;

  test('address', () => {
    expect(address.toLowerCase()).toBe('0xcd49bbac6e85fdeb167eb7ca41a945d2b8758f6f');
  });

  test('raw connectionId through the phantom agent', () => {
    const conn = '0xde6c4037798a4434ca03cd05f00e3b803126221375cd1e7eaaaf041768be06eb';
    const sign = (main: boolean) => {
      const s = key.sign(l1Digest(conn, main));
      return { r: s.r, s: s.s, v: s.v };
    };
    expectSig(sign(true), split65('0xfa8a41f6a3fa728206df80801a83bcbfbab08649cd34d9c0bfba7c7b2f99340f53a00226604567b98a1492803190d65a201d6805e5831b7044f17fd530aec7841c'));
    expectSig(sign(false), split65('0x1713c0fc661b792a50e8ffdd59b637b1ed172d9a3aa4d801d9d88646710fb74b33959f4d075a7ccbec9f2374a6da21ffa4448d58d0413a0d335775f680a881431c'));
  });

  // These Rust vectors hash "2000.0" (a trailing zero the venue would not accept in a real order),
  // so the action is written out literally instead of going through our builder, which refuses it.
  const rsOrder = (t: object, c?: string) => ({
    type: 'order',
    orders: [{ a: 1, b: true, p: '2000.0', s: '3.5', r: false, t, ...(c ? { c } : {}) }],
    grouping: 'na',
  });
  const rsCases: [string, object, string, string][] = [
    ['order', rsOrder({ limit: { tif: 'Ioc' } }),
      '0x77957e58e70f43b6b68581f2dc42011fc384538a2e5b7bf42d5b936f19fbb67360721a8598727230f67080efee48c812a6a4442013fd3b0eed509171bef9f23f1c',
      '0xcd0925372ff1ed499e54883e9a6205ecfadec748f80ec463fe2f84f1209648776377961965cb7b12414186b1ea291e95fd512722427efcbcfb3b0b2bcd4d79d01c'],
    ['order with cloid', rsOrder({ limit: { tif: 'Ioc' } }, '0x1e60610f0b3d420597c88c1fed2ad5ee'),
      '0xd3e894092eb27098077145714630a77bbe3836120ee29df7d935d8510b03a08f456de5ec1be82aa65fc6ecda9ef928b0445e212517a98858cfaa251c4cd7552b1c',
      '0x3768349dbb22a7fd770fc9fc50c7b5124a7da342ea579b309f58002ceae49b4357badc7909770919c45d850aabb08474ff2b7b3204ae5b66d9f7375582981f111c'],
    ['tp trigger', rsOrder({ trigger: { isMarket: true, triggerPx: '2000.0', tpsl: 'tp' } }),
      '0xb91e5011dff15e4b4a40753730bda44972132e7b75641f3cac58b66159534a170d422ee1ac3c7a7a2e11e298108a2d6b8da8612caceaeeb3e571de3b2dfda9e41b',
      '0x6df38b609904d0d4439884756b8f366f22b3a081801dbdd23f279094a2299fac6424cb0cdc48c3706aeaa368f81959e91059205403d3afd23a55983f710aee871b'],
    ['sl trigger', rsOrder({ trigger: { isMarket: true, triggerPx: '2000.0', tpsl: 'sl' } }),
      '0x8456d2ace666fce1bee1084b00e9620fb20e810368841e9d4dd80eb29014611a0843416e51b1529c22dd2fc28f7ff8f6443875635c72011f60b62cbb8ce90e2d1c',
      '0xeb5bdb52297c1d19da45458758bd569dcb24c07e5c7bd52cf76600fd92fdd8213e661e21899c985421ec018a9ee7f3790e7b7d723a9932b7b5adcd7def5354601c'],
    ['cancel', cancelAction([{ asset: 1, oid: 82382 }]),
      '0x02f76cc5b16e0810152fa0e14e7b219f49c361e3325f771544c6f54e157bf9fa17ed0afc11a98596be85d5cd9f86600aad515337318f7ab346e5ccc1b03425d51b',
      '0x6ffebadfd48067663390962539fbde76cfa36f53be65abe2ab72c9db6d0db44457720db9d7c4860f142a484f070c84eb4b9694c3a617c83f0d698a27e55fd5e01c'],
  ];
  test.each(rsCases)('%s (mainnet and testnet)', (_n, action, main, testnet) => {
    expectSig(signL1Action(key, action, nonce, { isMainnet: true }), split65(main));
    expectSig(signL1Action(key, action, nonce, { isMainnet: false }), split65(testnet));
  });

  test('cancel msgpack bytes', () => {
    expect(toHex(encodeMsgpack(cancelAction([{ asset: 1, oid: 82382 }])))).toBe('0x82a474797065a663616e63656ca763616e63656c739182a16101a16fce000141ce');
  });

  const transfer = { signatureChainId: '0x66eee', hyperliquidChain: 'Testnet', destination: '0x0D1d9635D0640821d15e323ac8AdADfA9c111414', amount: '1', time: 1690393044548 };
  test('usdSend and withdraw3 on chain 421614 (mixed-case destination signed as-is)', () => {
    expectSig(signUserSignedAction(key, { type: 'usdSend', ...transfer }, USD_SEND_TYPES),
      split65('0x214d507bbdaebba52fa60928f904a8b2df73673e3baba6133d66fe846c7ef70451e82453a6d8db124e7ed6e60fa00d4b7c46e4d96cb2bd61fd81b6e8953cc9d21b'));
    expectSig(signUserSignedAction(key, { type: 'withdraw3', ...transfer }, WITHDRAW_TYPES),
      split65('0xb3172e33d2262dac2b4cb135ce3c167fda55dafa6c62213564ab728b9f9ba76b769a938e9f6d603dae7154c83bf5a4c3ebab81779dc2db25463a3ed663c82ae41c'));
  });

  test('approveBuilderFee mainnet and testnet', () => {
    const fee = (chain: string) => ({ type: 'approveBuilderFee', signatureChainId: '0x66eee', hyperliquidChain: chain, maxFeeRate: '0.001%', builder: '0x1234567890123456789012345678901234567890', nonce });
    expectSig(signUserSignedAction(key, fee('Mainnet'), APPROVE_BUILDER_FEE_TYPES),
      split65('0x343c9078af7c3d6683abefd0ca3b2960de5b669b716863e6dc49090853a4a3cd6c016301239461091a8ca3ea5ac783362526c4d9e9e624ffc563aea93d6ac2391b'));
    expectSig(signUserSignedAction(key, fee('Testnet'), APPROVE_BUILDER_FEE_TYPES),
      split65('0x2ada43eeebeba9cfe13faf95aa84e5b8c4885c3a07cbf4536f2df5edd340d4eb1ed0e24f60a80d199a842258d5fa737a18d486f7d4e656268b434d226f2811d71c'));
  });
});

describe('nktkas vectors (the only public expiresAfter vectors)', () => {
  const wallet = new Wallet('0x822e9959e022b78423eb653a62ea0020cd283e71a2a8133a6ff2aeffaf373cff');
  const action = orderAction([{ asset: 0, isBuy: true, px: '30000', sz: '0.1', reduceOnly: false, tif: 'Gtc' }]);
  const nonce = 1234567890;
  const vault = '0x1234567890123456789012345678901234567890';

  test('address', () => {
    expect(wallet.address.toLowerCase()).toBe('0xe5ca49fb3bd9a581f0d1ef9cb5d7177da08bf901');
  });

  test('connectionId with vault / expiresAfter present and absent', () => {
    expect(actionHash(action, nonce)).toBe('0x25367e0dba84351148288c2233cd6130ed6cec5967ded0c0b7334f36f957cc90');
    expect(actionHash(action, nonce, vault)).toBe('0x214e2ea3270981b6fd18174216691e69f56872663139d396b10ded319cb4bb1e');
    expect(actionHash(action, nonce, null, 1234567890)).toBe('0xc30b002ba3775e4c31c43c1dfd3291dfc85c6ae06c6b9f393991de86cad5fac7');
    expect(actionHash(action, nonce, vault, 1234567890)).toBe('0x2d62412aa0fc57441b5189841d81554a6a9680bf07204e1454983a9ca44f0744');
  });

  test('signature mainnet and testnet', () => {
    expectSig(signL1Action(wallet, action, nonce, { isMainnet: true }), {
      r: '0x61078d8ffa3cb591de045438a1ae2ed299b271891d1943a33901e7cfb3a31ed8', s: '0x0e91df4f9841641d3322dad8d932874b74d7e082cdb5b533f804964a6963aef9', v: 28,
    });
    expectSig(signL1Action(wallet, action, nonce, { isMainnet: false }), {
      r: '0x6b0283a894d87b996ad0182b86251cc80d27d61ef307449a2ed249a508ded1f7', s: '0x6f884e79f4a0a10af62db831af6f8e03b3f11d899eb49b352f836746ee9226da', v: 27,
    });
  });

  test('usdSend mainnet', () => {
    const a = { type: 'usdSend', signatureChainId: '0x66eee', hyperliquidChain: 'Mainnet', destination: vault, amount: '1000', time: 1234567890 };
    expectSig(signUserSignedAction(wallet, a, USD_SEND_TYPES), {
      r: '0xf777c38efe7c24cc71209526ae608f4e384d0586edf578f0e97b4b9f7c7adcc6', s: '0x104a4a97c48ae77bf5bd777bdd45fe72d8f5ff29116b5ff64fd8cfe4ea610786', v: 28,
    });
  });
});

describe('§4.4 intermediate values', () => {
  test('Exchange domain separator and Agent type hash', () => {
    expect(l1Constants.domainSeparator()).toBe('0xd79297fcdf2ffcd4ae223d01edaa2ba214ff8f401d7c9300d995d17c82aa4040');
    expect(l1Constants.agentTypeHash()).toBe('0x26f05c2f7239b6983075e58321292d77b3aa173d19b27257ac96ab362570f508');
  });
  test('HyperliquidSignTransaction domain separator for 0x66eee', () => {
    expect(TypedDataEncoder.hashDomain(userSignedDomain('0x66eee'))).toBe('0xfeb1393ca4412a4ca577bd51d04f0a77033514c602f4d0a11490fb95f7428df6');
  });
  test('msgpack bytes and connection ids of the Python order, tpsl and scheduleCancel vectors', () => {
    const order = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, tif: 'Gtc' }]);
    expect(toHex(encodeMsgpack(order))).toBe('0x83a474797065a56f72646572a66f72646572739186a16101a162c3a170a3313030a173a3313030a172c2a17481a56c696d697481a3746966a3477463a867726f7570696e67a26e61');
    expect(actionHash(order, 0)).toBe('0x884f2c32bb6dbdd65f6033e32fb28c0cb6f5b345db0f6471fd3366d85c9252c1');
    const tpsl = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, trigger: { isMarket: true, triggerPx: '103', tpsl: 'sl' } }]);
    expect(toHex(encodeMsgpack(tpsl))).toBe('0x83a474797065a56f72646572a66f72646572739186a16101a162c3a170a3313030a173a3313030a172c2a17481a77472696767657283a869734d61726b6574c3a9747269676765725078a3313033a47470736ca2736ca867726f7570696e67a26e61');
    expect(actionHash(tpsl, 0)).toBe('0x430a86fb9876e901920d931f5bb20c9d011f6389bd179f39a73c09e6219adcad');
    expect(toHex(encodeMsgpack(scheduleCancelAction()))).toBe('0x81a474797065ae7363686564756c6543616e63656c');
    expect(actionHash(scheduleCancelAction(), 0)).toBe('0xa2887a3147b6542306b61d311a056fd1753913d63cc904f30cba61712a98f4ae');
    expect(actionHash(scheduleCancelAction(123456789), 0)).toBe('0x4be18e445114437c5d1d9dd35a09f5601a3cc34ed4ac94a0281251b9bd8f6832');
  });
  test('other connection ids (dummy, dummy+vault, order+cloid)', () => {
    const dummy = { type: 'dummy', num: 100000000000 };
    expect(actionHash(dummy, 0)).toBe('0xf528daee6a0bd11407b483cfcd9a48c56884180b70ee86f124053e5fc1bf4d57');
    expect(actionHash(dummy, 0, '0x1719884eb866cb12b2287399b15f7db5e7d775ea')).toBe('0xde9e09a7a3da45cc694096d4bfdcd89bc1b892d05497c5ecc1f56c335945184c');
    const cl = orderAction([{ asset: 1, isBuy: true, px: '100', sz: '100', reduceOnly: false, tif: 'Gtc', cloid: '0x00000000000000000000000000000001' }]);
    expect(actionHash(cl, 0)).toBe('0x0ba500cedd8f4ba6ded620a0b1cd04f124d9ba745e2e2893fcc763bcc1444af5');
  });
  test('oid 287286372177 is encoded as uint64 (cf …), never float64', () => {
    const hex = toHex(encodeMsgpack(cancelAction([{ asset: 0, oid: 287286372177 }])));
    expect(hex).toContain('cf00000042e39a2751');
  });
  test('the precomputed digest equals ethers’ generic EIP-712 encoding', () => {
    for (const main of [true, false]) {
      const hash = actionHash(scheduleCancelAction(5), 42);
      const td = l1TypedData(hash, main);
      expect(l1Digest(hash, main)).toBe(TypedDataEncoder.hash(td.domain, td.types, td.message));
    }
  });
  test('preimage layout: nonce u64 BE, vault flag, 0x00 marker before expiresAfter', () => {
    const body = encodeMsgpack({ type: 'noop' });
    const p = actionHashPreimage({ type: 'noop' }, 0x0102030405, '0x' + 'ab'.repeat(20), 0x0a0b0c);
    expect(toHex(p)).toBe(toHex(body) + '0000000102030405' + '01' + 'ab'.repeat(20) + '00' + '00000000000a0b0c');
  });
});
