// Where this site lives. A ledger's page may be served at the root of its host (`/`, one
// ledger) or under a prefix (`/o/ngo-a/`, one organisation of a platform, SPEC.md §24): every
// address the page, the staff console and the verifier's workers ask for is built here,
// relative to the site's root (the folder of this module), never an absolute `/api/...`, so
// the same files work at both places. tests/web/static.test.mjs refuses any other absolute
// same-origin address in web/.

/** The site's root: the folder this module is served from, ending in `/`. */
const ROOT = new URL('./', import.meta.url);

/** The absolute address of `path` (relative: no leading `/`; may be `#/...`) on this site. */
export const url = (path) => new URL(path, ROOT).href;

/** The site's root address (e.g. `https://host/` or `https://host/o/ngo-a/`). */
export const siteUrl = () => ROOT.href;

/** The path of the site's root on its host (`/` or e.g. `/o/ngo-a/`). */
export const sitePath = () => ROOT.pathname;
