// What a campaign's page says about itself to machines: its Atom feed (a <link rel="alternate">
// in the head, SPEC.md §20.2) and schema.org JSON-LD naming the organisation (`NGO`) and the way
// to give (`DonateAction`). The JSON-LD is a data block, `<script type="application/ld+json">`
// filled with textContent: browsers never run a script element of that type, so the strict CSP
// (no inline script) is kept. Both are removed when another view is shown.

const MARK = 'data-campaign-meta';

/** Removes what `setCampaignMeta` added to the head. */
export function clearCampaignMeta() {
  for (const el of document.head.querySelectorAll(`[${MARK}]`)) el.remove();
}

/** The schema.org description of campaign `c` of organisation `org` (a plain object). */
export function campaignJsonLd(c, org, pageUrl) {
  const ngo = { '@type': 'NGO', name: org, url: new URL('./', pageUrl).href };
  return {
    '@context': 'https://schema.org',
    ...ngo,
    potentialAction: {
      '@type': 'DonateAction',
      name: c.title,
      description: c.purpose,
      url: pageUrl,
      recipient: ngo,
      target: { '@type': 'EntryPoint', urlTemplate: pageUrl },
    },
  };
}

/** Adds campaign `c`'s feed link and JSON-LD to the head (replacing any earlier ones). */
export function setCampaignMeta(c, org) {
  clearCampaignMeta();
  const feed = document.createElement('link');
  feed.rel = 'alternate';
  feed.type = 'application/atom+xml';
  feed.title = c.title;
  feed.href = `api/v1/campaigns/${encodeURIComponent(c.id)}/feed`;
  feed.setAttribute(MARK, '');
  const ld = document.createElement('script');
  ld.type = 'application/ld+json';
  ld.setAttribute(MARK, '');
  const pageUrl = `${location.origin}${location.pathname}#/campaign/${encodeURIComponent(c.id)}`;
  // JSON.stringify escapes nothing HTML cares about, and none is needed: textContent is data.
  ld.textContent = JSON.stringify(campaignJsonLd(c, org, pageUrl));
  document.head.append(feed, ld);
}
