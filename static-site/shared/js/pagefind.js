/**
 * The site's search index (pagefind, built with the site), loaded on first use. The citizen
 * search page and the console's fiche search share it; a failed load is retried next time.
 */

let loading = null;

/** pagefind's JS API, set up (once per page) with excerpts of `excerptLength` words. */
export function loadPagefind(excerptLength) {
  if (!loading) {
    loading = import("/pagefind/pagefind.js").then(async (pagefind) => {
      await pagefind.options({ excerptLength });
      await pagefind.init();
      return pagefind;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
