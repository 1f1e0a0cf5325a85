/** MLS contexts and key packages for Hotline devices (ciphersuite 1, directory-checked credentials). */
import {
  defaultCredentialTypes,
  generateKeyPackage,
  getCiphersuiteImpl,
  type AuthenticationService,
  type CryptoProvider,
  type KeyPackage,
  type MlsContext,
  type PrivateKeyPackage,
} from 'ts-mls';
import { HOTLINE_CIPHERSUITE, nodeCryptoProvider } from './node-crypto-provider.js';

export async function mlsContext(authService: AuthenticationService, provider: CryptoProvider = nodeCryptoProvider): Promise<MlsContext> {
  return { cipherSuite: await getCiphersuiteImpl(HOTLINE_CIPHERSUITE, provider), authService };
}

export interface DeviceKeyPackage {
  readonly publicPackage: KeyPackage;
  readonly privatePackage: PrivateKeyPackage;
  /** The MLS signature key this package binds to the device: the directory must vouch for it. */
  readonly signaturePublicKey: Uint8Array;
}

/** A key package whose basic credential names the device by its 32-byte public key. */
export async function deviceKeyPackage(context: MlsContext, deviceKey: Uint8Array): Promise<DeviceKeyPackage> {
  const { publicPackage, privatePackage } = await generateKeyPackage({
    credential: { credentialType: defaultCredentialTypes.basic, identity: deviceKey },
    cipherSuite: context.cipherSuite,
  });
  return { publicPackage, privatePackage, signaturePublicKey: publicPackage.leafNode.signaturePublicKey };
}
