import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PACKAGE_ROOT } from './schemas.js';

export const TOOL_NAME = 'gke-private-audit';
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** Where each rule's documentation lives (docs/rules/<id>.md); the rule's help URL. */
export const DOCS_ROOT_URL = 'https://github.com/gke-private-audit/gke-private-audit/blob/main/docs';
export const DOCS_BASE_URL = `${DOCS_ROOT_URL}/rules`;
export const ruleHelpUri = (id: string): string => `${DOCS_BASE_URL}/${id}.md`;
