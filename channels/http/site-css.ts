import { createHash } from 'node:crypto';
import type { Env, Hono } from 'hono';

/** Path of the shared stylesheet; pages link to it instead of inlining styles (CSP: style-src 'self'). */
export const SITE_CSS_PATH = '/assets/site.css';

/**
 * Body text 15:1, links ≥ 7:1 on white, a thick visible focus ring, 44-pixel targets, and text that
 * reflows at 400% zoom. `html.text-large` scales everything by a third (body text 24px);
 * `html.contrast-high` is white and yellow on black, every pair at least 7:1.
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
.skip-link{position:absolute;left:.5rem;top:0;transform:translateY(-150%);max-width:calc(100% - 1rem);padding:.75rem 1rem;background:#ffdd00;color:#0b0c0c;font-weight:700;z-index:10}
.skip-link:focus{transform:translateY(.5rem)}
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
td select,td input[type=text],td input[type=number]{font:inherit;min-height:44px;min-width:10rem;padding:.4rem .5rem;border:2px solid #1a1a1a;border-radius:0;background:#fff;color:#1a1a1a}
.status{font-weight:700}
.status-held_no_credentials,.status-failed{color:#8a0019}
.status-sent{color:#005a30}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}
.link-list{padding-left:1.25rem}
.link-list li{margin-bottom:.5rem}
.link-list a{display:inline-flex;align-items:center;min-height:44px}
h1,h2,h3{overflow-wrap:break-word}
h3{font-size:1.25rem;line-height:1.35;margin:1.5rem 0 .5rem}
.display-controls{display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.display-group{display:flex;flex-wrap:wrap;align-items:center;gap:0 .5rem}
.display-group ul,.footer-links{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem .5rem}
.display-group a,.footer-links a{display:inline-flex;align-items:center;min-height:44px;min-width:44px;padding:0 .5rem}
.display-group [aria-current]{font-weight:700;text-decoration-thickness:3px;outline:2px solid currentColor;outline-offset:-6px}
.control-name{font-size:1rem}
.lead{font-size:1.25rem}
.caption{display:block;color:#3d3d3d;font-size:1.125rem;margin:-1rem 0 1rem}
.card-list{list-style:none;padding:0;margin:0 0 2rem;max-width:48rem}
.card{border:2px solid #6f777b;border-left:8px solid #0b3d91;padding:1rem 1.25rem;margin:0 0 1rem}
.card h3{margin-top:0}
.card p{margin:.25rem 0}
.tag{display:inline-block;font-weight:700;padding:.1rem .5rem;border:2px solid currentColor;margin:0 0 .5rem}
.meta{margin:0 0 1.5rem;max-width:48rem}
.meta div{display:flex;flex-wrap:wrap;gap:0 1rem;border-bottom:1px solid #6f777b;padding:.5rem 0}
.meta dt{font-weight:700;min-width:12rem}
.meta dd{margin:0}
.timeline{list-style:none;margin:0 0 2rem;padding:0 0 0 1.5rem;border-left:4px solid #6f777b;max-width:48rem}
.timeline li{position:relative;margin:0 0 1.25rem;padding-left:.5rem}
.timeline li::before{content:"";position:absolute;left:-2.2rem;top:.35rem;width:1.1rem;height:1.1rem;border-radius:50%;border:3px solid #1a1a1a;background:#fff}
.timeline .done::before{background:#1a1a1a}
.timeline .current::before{background:#ffdd00}
.timeline .stage{font-weight:700;display:block}
.timeline .state{display:block}
.timeline .note{display:block;color:#3d3d3d}
.counts{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0;margin:0 0 1.5rem}
.counts li{border:2px solid #6f777b;padding:.75rem 1rem;min-width:9rem}
.counts strong{display:block;font-size:1.75rem;line-height:1.2}
fieldset{border:0;padding:0;margin:0 0 1.5rem;min-width:0}
legend{font-weight:700;font-size:1.25rem;margin-bottom:.5rem;padding:0;max-width:100%;white-space:normal}
.field-invalid fieldset,.field-invalid textarea{border-color:#b00020}
.field textarea{min-height:8rem;max-width:40rem;resize:vertical}
.radios{display:flex;flex-direction:column;gap:.5rem}
.radio{display:flex;align-items:center;gap:.75rem;min-height:44px}
.radio input{width:1.75rem;height:1.75rem;margin:0;flex:none;accent-color:#0b3d91}
.field .radio label{font-weight:400;margin:0;padding:.5rem 0;display:block}
.radio .hint{display:block;margin:0}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:0 1.5rem;border:2px solid #6f777b;padding:1rem 1rem 0;margin:0 0 2rem;max-width:56rem}
.filters .field{margin-bottom:1rem}
.filters button{margin-bottom:1rem}
.button-row{display:flex;flex-wrap:wrap;align-items:center;gap:1rem;margin:1.5rem 0}
.button-row form{margin:0}
a.button,a.button:visited{color:#fff}
a.button.secondary,a.button.secondary:visited{background:#fff;color:#0b3d91;border-color:#0b3d91}
.link-button{font:inherit;background:none;border:0;padding:0 .25rem;min-height:44px;color:#0b3d91;text-decoration:underline;font-weight:400;cursor:pointer}
.link-button:hover{background:none;color:#062456;text-decoration-thickness:3px}
.panel-confirmation{border:5px solid #00703c;background:#e6f2eb;padding:1.25rem 1.5rem;margin:0 0 2rem;max-width:48rem}
.panel-confirmation h2{margin-top:0}
.summary-list{margin:0 0 2rem;max-width:48rem}
.summary-list div{border-bottom:1px solid #6f777b;padding:.5rem 0}
.summary-list dt{font-weight:700}
.summary-list dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
.ways{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,18rem),1fr));gap:1rem;list-style:none;padding:0;margin:0 0 2rem}
.ways>li{border:2px solid #6f777b;padding:1rem 1.25rem}
.ways h3{margin-top:0}
.field input.input-short{max-width:12rem}
.big-number{font-size:1.5rem;font-weight:700;letter-spacing:.05em}
svg.chart{display:block;width:100%;max-width:48rem;height:auto;margin:0 0 1.5rem}
html.text-large{font-size:133.3334%}
html.contrast-high body,html.contrast-high .site-header,html.contrast-high .primary-nav,html.contrast-high .site-footer{background:#000;color:#fff}
html.contrast-high .site-header{border-bottom:3px solid #fff}
html.contrast-high .primary-nav{border-bottom:3px solid #fff}
html.contrast-high .site-footer{border-top-color:#fff}
html.contrast-high a,html.contrast-high a:visited,html.contrast-high .link-button{color:#ff0}
html.contrast-high a:hover{color:#fff}
html.contrast-high .site-header a,html.contrast-high .site-header a:visited{color:#fff}
html.contrast-high :focus-visible{outline:3px solid #fff;box-shadow:0 0 0 6px #ff0}
html.contrast-high a:focus-visible,html.contrast-high .site-header a:focus-visible{background:#ff0;color:#000}
html.contrast-high .field .hint,html.contrast-high .caption,html.contrast-high .timeline .note{color:#fff}
html.contrast-high td select,html.contrast-high td input,html.contrast-high .field input,html.contrast-high .field select,html.contrast-high .field textarea{background:#000;color:#fff;border-color:#fff}
html.contrast-high button,html.contrast-high .button,html.contrast-high a.button,html.contrast-high a.button:visited{background:#ff0;color:#000;border-color:#fff}
html.contrast-high button.secondary,html.contrast-high a.button.secondary,html.contrast-high a.button.secondary:visited{background:#000;color:#ff0;border-color:#ff0}
html.contrast-high .link-button{background:none;border:0}
html.contrast-high .error-summary,html.contrast-high .banner-warning{border-color:#ff9c9c;background:#000}
html.contrast-high .error-summary a,html.contrast-high .field-error,html.contrast-high .banner-warning h2,html.contrast-high .status-held_no_credentials,html.contrast-high .status-failed{color:#ff9c9c}
html.contrast-high .field-invalid{border-left-color:#ff9c9c}
html.contrast-high .field-invalid input,html.contrast-high .field-invalid textarea{border-color:#ff9c9c}
html.contrast-high .notice,html.contrast-high .banner-ok,html.contrast-high .panel-confirmation,html.contrast-high .card,html.contrast-high .ways>li,html.contrast-high .counts li,html.contrast-high .filters{background:#000;color:#fff;border-color:#fff}
html.contrast-high .status-sent{color:#9ee6ff}
html.contrast-high th,html.contrast-high td,html.contrast-high .meta div,html.contrast-high .summary-list div{border-color:#fff}
html.contrast-high .timeline{border-left-color:#fff}
html.contrast-high .timeline li::before{border-color:#fff;background:#000}
html.contrast-high .timeline .done::before{background:#fff}
html.contrast-high .timeline .current::before{background:#ff0}
html.contrast-high .radio input{accent-color:#ff0}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important}}
@media (forced-colors:active){:focus-visible{outline:3px solid CanvasText}.error-summary,.banner-warning{border-color:CanvasText}}
`.trim();

/** The stylesheet's address with a content hash, so a changed stylesheet is never served stale. */
export const SITE_CSS_HREF = `${SITE_CSS_PATH}?v=${createHash('sha256').update(SITE_CSS).digest('hex').slice(0, 12)}`;

/** Serves the shared stylesheet. */
export function registerSiteAssets<E extends Env>(app: Hono<E>): void {
  app.get(SITE_CSS_PATH, (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=3600');
    c.header('X-Content-Type-Options', 'nosniff');
    return c.body(SITE_CSS);
  });
}
