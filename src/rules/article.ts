/**
 * The article the rule catalogue comes from, named once here (and in docs/article.md), and the
 * English of the Japanese section titles the rules cite. The copy this project keeps is
 * /work/shared/seed/private-gke-article.ja.txt; it does not record the article's web address.
 */
import { DOCS_ROOT_URL } from '../version.js';

export const ARTICLE = {
  title: '必見!プライベートGKEクラスター構築のポイントを総ざらい',
  titleEnglish: 'A must-read: every point of building a private GKE cluster',
  author: '株式会社アルファシステムズ (ALPHA SYSTEMS INC.), on its technical blog',
  /** Where the article is described, with its address as far as this project knows it. */
  docs: `${DOCS_ROOT_URL}/article.md`,
} as const;

/** The article's section titles (and the two intro statements rules cite) with their English. */
export const SECTION_ENGLISH: Record<string, string> = {
  クラスターネットワークの選択: 'Choosing the cluster network',
  限定公開のGoogleアクセスの設定: 'Setting up Private Google Access',
  DNSレコードの作成: 'Creating the DNS records',
  限定公開のGoogleアクセスの有効化: 'Enabling Private Google Access',
  限定公開クラスターの作成: 'Creating the private cluster',
  VPCネットワークピアリングの修正: 'Changing the VPC network peering',
  クラウドルーターの修正: 'Changing the Cloud Router',
  GKEクラスターの修正: 'Changing the GKE cluster',
  インターネットへのアクセスはプロキシ経由: 'Internet access goes through a proxy (a property of the network, in the introduction)',
  自動的に作成されるファイアウォールのルール: 'The firewall rules created automatically (under 限定公開クラスターの作成)',
};

/** `「限定公開クラスターの作成」 (Creating the private cluster)`; requirements added since the article say so. */
export function sectionText(section: string): string {
  if (section === 'newer GKE') return 'a requirement of newer GKE versions, added since the article';
  const english = SECTION_ENGLISH[section];
  return english ? `「${section}」 (${english})` : `「${section}」`;
}

/** The anchor of a section in docs/article.md. */
export function sectionUri(section: string): string {
  return section === 'newer GKE' ? ARTICLE.docs : `${ARTICLE.docs}#sections`;
}
