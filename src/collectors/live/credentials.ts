/**
 * Application Default Credentials, resolved once before anything is collected. Without this the
 * clients each discover the missing credentials on their own, every call retried, and a run with no
 * login ends minutes later in a page of identical errors. Here: one attempt, bounded in time, one
 * line that says how to log in.
 * ADC order (cloud.google.com/docs/authentication/application-default-credentials):
 * GOOGLE_APPLICATION_CREDENTIALS, then the gcloud ADC file, then the metadata server.
 */

/** What this needs of a google-auth-library GoogleAuth. */
export interface CredentialSource {
  getClient(): Promise<unknown>;
  getAccessToken(): Promise<string | null | undefined>;
}

/** No usable credentials: the CLI prints the message as one line and exits 2. */
export class CredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialsError';
  }
}

export const CREDENTIALS_TIMEOUT_MS = 4000;

const HOW_TO_LOG_IN =
  'log in with `gcloud auth application-default login`, or run where workload identity provides them ' +
  '(GKE, Cloud Run, google-github-actions/auth in GitHub Actions); `--emulator` needs none';

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const line = text.replace(/\s*Browse to https?:\/\/\S+ for more information\.?/, '').replace(/\s+/g, ' ').trim();
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/**
 * Gets an access token once. The metadata-server probe of google-auth-library warns on stderr when
 * it finds none; that warning is held back here, since the one line this throws already says it.
 */
export async function resolveCredentials(source: CredentialSource, timeoutMs = CREDENTIALS_TIMEOUT_MS): Promise<void> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'MetadataLookupWarning' || (warning instanceof Error && warning.name === 'MetadataLookupWarning')) return;
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no access token within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    const token = await Promise.race([
      (async () => {
        await source.getClient();
        return source.getAccessToken();
      })(),
      deadline,
    ]);
    if (!token) throw new Error('the credentials gave no access token');
  } catch (e) {
    const file = process.env.GOOGLE_APPLICATION_CREDENTIALS;
    const origin = file ? `GOOGLE_APPLICATION_CREDENTIALS=${file}: ` : '';
    throw new CredentialsError(`no usable Google credentials (${origin}${firstLine(e)}): ${HOW_TO_LOG_IN}`);
  } finally {
    clearTimeout(timer);
    process.emitWarning = emitWarning;
  }
}
