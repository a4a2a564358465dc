// Types shared by the pki/ modules. Binary material is always DER in a Buffer; PEM is made only
// at the edges (files, CLI output).

/** One relative distinguished name of an X.500 subject, in the order written by the user. */
export interface SubjectAttribute {
  /** Short name as accepted in subject strings: C, S (or ST), L, O, OU, CN, E, DC, SERIALNUMBER. */
  type: string;
  value: string;
}

export type KeySize = 1024 | 2048 | 4096;

/** What `describeCertificate` reads off a certificate. */
export interface CertificateInfo {
  /** SHA-1 of the DER, upper-case hex without separators (Exchange's Thumbprint). */
  thumbprint: string;
  /** Subject as a comma-separated X.500 string, most significant first: "C=IT, O=Contoso, CN=um.contoso.com". */
  subject: string;
  issuer: string;
  /** Subject CN ('' when absent). */
  commonName: string;
  /** DNS names from the SAN extension, in order; IP addresses are listed as text after them. */
  domains: string[];
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Subject equals issuer and the signature verifies with the certificate's own key. */
  selfSigned: boolean;
  /** basicConstraints cA=TRUE. */
  isCa: boolean;
  keyAlgorithm: 'RSA' | 'EC';
  /** RSA modulus bits, or the EC curve size. */
  keySize: number;
  /** SubjectPublicKeyInfo DER: used to match an issued certificate to a pending request's key. */
  publicKeySpki: Buffer;
  /** Subject CN or any DNS SAN begins with "*.". */
  wildcard: boolean;
}

/** What `describeRequest` reads off a PKCS#10 request. */
export interface RequestInfo {
  /** SHA-1 of the request DER, upper-case hex: the identity a pending request is listed under. */
  thumbprint: string;
  subject: string;
  commonName: string;
  domains: string[];
  keyAlgorithm: 'RSA' | 'EC';
  keySize: number;
  publicKeySpki: Buffer;
  wildcard: boolean;
}

/** What was found in a file given to `import`. */
export interface DecodedBundle {
  /** Certificates, leaf first when a leaf can be identified (the one matching the key, else the one that issued nothing else). */
  certificates: Buffer[];
  /** PKCS#8 DER private key, if the file carried one. */
  privateKey?: Buffer;
  /** Friendly name carried in a PFX bag, if any. */
  friendlyName?: string;
  /** Detected container format. */
  format: 'PEM' | 'DER' | 'PKCS7' | 'PKCS12';
}

export type CertificateStatus = 'Valid' | 'PendingRequest' | 'DateInvalid' | 'Untrusted' | 'Revoked' | 'Invalid';

export interface StatusResult {
  status: Exclude<CertificateStatus, 'PendingRequest'>;
  /** A sentence saying why, for logs and `get` output (e.g. "expired on 2024-01-01T00:00:00.000Z"). */
  reason: string;
  /** The chain that was built, leaf first, ending at the trusted root when one was reached. */
  chain: Buffer[];
}
