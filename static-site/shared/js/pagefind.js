/**
 * The site's search index (pagefind, built with the site), loaded on first use. The citizen
 * search page and the console's fiche search share it; a failed load is retried next time.
 */

let loading = null;

/**
 * pagefind's JS API, set up (once per page): `options` is pagefind's options object (the
 * citizen search passes its ranking, assets/js/search/engine.js), or just the excerpt length.
 */
export function loadPagefind(options) {
  const settings = typeof options === "number" ? { excerptLength: options } : options;
  if (!loading) {
    loading = import("/pagefind/pagefind.js").then(async (pagefind) => {
      await pagefind.options(settings);
      await pagefind.init();
      return pagefind;
    });
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
