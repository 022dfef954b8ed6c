import type { Env, Hono } from 'hono';

/** Path of the shared stylesheet; pages link to it instead of inlining styles (CSP: style-src 'self'). */
export const SITE_CSS_PATH = '/assets/site.css';

/**
 * High contrast (body text 15:1, links and buttons ≥ 7:1 on white), a thick visible focus ring,
 * 44-pixel targets, and text that reflows at 400% zoom.
 */
export const SITE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","PingFang HK","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:1.125rem;line-height:1.6;color:#1a1a1a;background:#fff}
a{color:#0b3d91;text-underline-offset:.15em}
a:visited{color:#4c2c92}
a:hover{color:#062456;text-decoration-thickness:3px}
:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px;box-shadow:0 0 0 6px #ffdd00}
a:focus-visible{background:#ffdd00;color:#0b0c0c;outline-color:#0b0c0c}
.skip-link{position:absolute;left:.5rem;top:-4rem;padding:.75rem 1rem;background:#ffdd00;color:#0b0c0c;font-weight:700;z-index:10}
.skip-link:focus{top:.5rem}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
.site-header{background:#0b3d91;color:#fff;padding:.5rem 1rem}
.site-header a,.site-header a:visited{color:#fff}
.site-header a:focus-visible{color:#0b0c0c}
.header-bar{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem 1.5rem;max-width:72rem;margin:0 auto}
.site-name{font-size:1.25rem;font-weight:700;display:inline-flex;align-items:center;min-height:44px;text-decoration:none}
.lang-switcher ul,.primary-nav ul,.pagination ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .75rem}
.lang-switcher a,.primary-nav a,.pagination a{display:inline-flex;align-items:center;min-height:44px;min-width:44px;padding:0 .5rem}
.lang-switcher [aria-current],.primary-nav [aria-current]{font-weight:700;text-decoration-thickness:3px}
.signed-in{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}
.signed-in form{margin:0}
.primary-nav{background:#e8edf6;padding:0 1rem}
.primary-nav ul{max-width:72rem;margin:0 auto}
main{display:block;max-width:72rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main:focus{outline:none}
h1{font-size:2rem;line-height:1.25;margin:0 0 1.5rem}
h2{font-size:1.5rem;line-height:1.3;margin:2rem 0 1rem}
p,ul,ol{max-width:44rem}
.site-footer{border-top:4px solid #0b3d91;background:#f3f2f1;padding:1.5rem 1rem;margin-top:2rem}
.site-footer>div{max-width:72rem;margin:0 auto}
.field{margin:0 0 1.5rem}
.field label{display:block;font-weight:700;margin-bottom:.25rem}
.field .hint{display:block;color:#3d3d3d;margin-bottom:.25rem}
.field input,.field select,.field textarea{font:inherit;width:100%;max-width:28rem;min-height:44px;padding:.4rem .5rem;border:2px solid #1a1a1a;border-radius:0;background:#fff;color:#1a1a1a}
.field-invalid{border-left:5px solid #b00020;padding-left:1rem}
.field-invalid input{border-color:#b00020;border-width:3px}
.field-error{display:block;color:#b00020;font-weight:700;margin:0 0 .25rem}
button,.button{font:inherit;font-weight:700;display:inline-flex;align-items:center;justify-content:center;min-height:44px;min-width:44px;padding:.5rem 1.25rem;border:2px solid transparent;background:#00703c;color:#fff;cursor:pointer;text-decoration:none}
button:hover{background:#005a30}
button.secondary{background:#fff;color:#0b3d91;border-color:#0b3d91}
.site-header button.secondary{background:transparent;color:#fff;border-color:#fff}
.error-summary{border:5px solid #b00020;padding:1rem 1.25rem;margin:0 0 2rem;max-width:44rem}
.error-summary:focus{outline:3px solid #ffdd00}
.error-summary h2{margin-top:0;font-size:1.375rem}
.error-summary ul{margin:0;padding-left:1.25rem}
.error-summary a{color:#b00020;font-weight:700}
.notice{border-left:8px solid #0b3d91;background:#e8edf6;padding:1rem 1.25rem;margin:0 0 2rem;max-width:48rem}
.banner-warning{border:5px solid #b00020;background:#fdecee;padding:1rem 1.25rem;margin:0 0 2rem;max-width:56rem}
.banner-warning h2{margin-top:0;color:#8a0019}
.banner-ok{border-left:8px solid #00703c;background:#e6f2eb;padding:1rem 1.25rem;margin:0 0 2rem;max-width:48rem}
.table-wrap{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;margin:0 0 1.5rem}
caption{text-align:left;font-weight:700;font-size:1.25rem;padding:0 0 .5rem}
th,td{text-align:left;vertical-align:top;padding:.5rem .75rem .5rem 0;border-bottom:1px solid #6f777b}
th{font-weight:700}
td.body{white-space:pre-wrap;overflow-wrap:anywhere;min-width:16rem}
.status{font-weight:700}
.status-held_no_credentials,.status-failed{color:#8a0019}
.status-sent{color:#005a30}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}
.link-list{padding-left:1.25rem}
.link-list li{margin-bottom:.5rem}
.link-list a{display:inline-flex;align-items:center;min-height:44px}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
@media (forced-colors:active){:focus-visible{outline:3px solid CanvasText}.error-summary,.banner-warning{border-color:CanvasText}}
`.trim();

/** Serves the shared stylesheet. */
export function registerSiteAssets<E extends Env>(app: Hono<E>): void {
  app.get(SITE_CSS_PATH, (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(SITE_CSS);
  });
}
