/**
 * Every paged list ends: a `nextPageToken` seen before (an API answering the same page again, or
 * cycling through a few tokens) and a list longer than a cap both stop it as a read error, where
 * they used to loop forever (33k requests and 2.2 GB in 90 s against a hostile answer).
 */
import { CallFailure } from './calls.js';

/**
 * Far above any real list: 10,000 pages of 500 compute resources or 1,000 assets are 5–10 million
 * items of one collection in one project or scope. `--max-pages` changes it.
 */
export const DEFAULT_MAX_PAGES = 10_000;

export class PageGuard {
  private readonly seen = new Set<string>();
  private pages = 1;

  constructor(
    private readonly what: string,
    private readonly maxPages: number,
  ) {}

  /** True when another page is to be read for `token`; false at the end; throws on a loop or past the cap. */
  next(token: unknown): boolean {
    if (token === undefined || token === null || token === '') return false;
    const key = String(token);
    if (this.seen.has(key)) {
      throw new CallFailure(0, `${this.what}: the API gave a page token it had already given (page ${this.pages + 1}); the list would never end`, 'PAGE_TOKEN_REPEATED');
    }
    if (this.pages >= this.maxPages) {
      throw new CallFailure(0, `${this.what}: more than ${this.maxPages} pages (--max-pages); the list was not read to its end`, 'TOO_MANY_PAGES');
    }
    this.seen.add(key);
    this.pages++;
    return true;
  }
}
