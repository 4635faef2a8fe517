// The offline web album: one index.html (inline CSS and JS, allowed by hash in a strict CSP) next to
// web/ with the images. Opens from disk in any browser; makes no request outside its own folder.
import * as crypto from 'node:crypto';
import { exportWords, type ExportLocale } from './words';

export interface HtmlPhoto {
  /** Relative URLs' raw paths (forward slashes), encoded here. */
  after: string;
  before: string;
  width: number;
  height: number;
  caption: string;
  takenAt: string | null;
}

export interface HtmlAlbum {
  title: string;
  photos: HtmlPhoto[];
  /** e.g. "Heirloom 0.1.0"; shown in the footer. */
  generator: string;
  models: string[];
  /** The language of the page's words (default English). */
  locale?: ExportLocale;
}

/** Every text that came from a person or a file name goes through here (element text and attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function relUrl(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** "14 July 1958" (or "July 1958" / "1958" for partial dates; "14 июля 1958" in Russian); null when undated. */
export function humanDate(iso: string | null, locale?: ExportLocale): { iso: string; text: string } | null {
  const m = iso ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(iso) : null;
  if (!m) return null;
  const [, y, mo, d] = m;
  const w = exportWords(locale);
  const month = mo ? (d ? w.dayMonths : w.months)[Number(mo) - 1] : undefined;
  const text = [d ? String(Number(d)) : '', month ?? '', y].filter(Boolean).join(' ');
  return { iso: [y, mo, d].filter(Boolean).join('-'), text };
}

const CSS = `
:root{color-scheme:light;--ink:#2b2520;--muted:#7a6e62;--paper:#f5f0e7;--card:#fffdf9;--line:#e3d9ca;--accent:#a8552f}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--paper);color:var(--ink);font:16px/1.5 Georgia,"Iowan Old Style","Palatino Linotype",serif}
.top{max-width:980px;margin:0 auto;padding:48px 24px 16px;text-align:center}
.eyebrow{margin:0;font:600 12px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;letter-spacing:.18em;text-transform:uppercase;color:var(--accent)}
h1{margin:.3em 0 .2em;font-size:clamp(28px,6vw,46px);line-height:1.1;font-weight:normal;overflow-wrap:anywhere}
.meta,.hint{margin:.2em 0;color:var(--muted);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.hint kbd{font:inherit;border:1px solid var(--line);border-bottom-width:2px;border-radius:4px;padding:0 5px;background:var(--card)}
main{max-width:980px;margin:0 auto;padding:8px 24px 24px;display:grid;gap:40px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:6px;padding:14px 14px 10px;box-shadow:0 1px 2px rgba(60,40,20,.06),0 12px 32px -18px rgba(60,40,20,.35);outline:none;scroll-margin:16px}
figure:focus-visible{box-shadow:0 0 0 3px var(--accent)}
.compare{position:relative;overflow:hidden;border-radius:3px;background:#ddd;line-height:0;user-select:none;-webkit-user-select:none;margin:0 auto}
.compare img{display:block;width:100%;height:auto}
.compare .before{position:absolute;inset:0;height:100%;clip-path:inset(0 50% 0 0)}
.handle{position:absolute;top:0;bottom:0;left:50%;width:0;pointer-events:none}
.handle::before{content:"";position:absolute;top:0;bottom:0;left:-1px;width:2px;background:#fff;box-shadow:0 0 6px rgba(0,0,0,.45)}
.handle::after{content:"\\2039\\2002\\203A";position:absolute;top:50%;left:-22px;width:44px;height:44px;margin-top:-22px;border-radius:50%;background:rgba(255,255,255,.92);color:var(--ink);font:bold 18px/44px system-ui,sans-serif;text-align:center;box-shadow:0 2px 10px rgba(0,0,0,.35)}
.tag{position:absolute;top:10px;padding:3px 8px;border-radius:3px;background:rgba(20,16,12,.62);color:#fff;font:600 11px/1.4 system-ui,sans-serif;letter-spacing:.08em;text-transform:uppercase;pointer-events:none}
.tag.b{left:10px}.tag.a{right:10px}
.slider{position:absolute;inset:0;width:100%;height:100%;margin:0;opacity:0;cursor:ew-resize;touch-action:pan-y;-webkit-appearance:none;appearance:none}
.slider:focus-visible~.handle::after{box-shadow:0 0 0 3px var(--accent),0 2px 10px rgba(0,0,0,.35)}
figcaption{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px;padding:12px 2px 2px;line-height:1.35}
.num{font:600 12px/1.4 system-ui,sans-serif;color:var(--muted);letter-spacing:.05em}
.cap{font-size:19px;flex:1 1 12em;overflow-wrap:anywhere}
time{color:var(--muted);font-style:italic}
footer{max-width:980px;margin:0 auto;padding:8px 24px 48px;text-align:center;color:var(--muted);font:13px/1.5 system-ui,sans-serif}
@media (max-width:600px){
 .top{padding:28px 16px 8px}
 main{padding:8px 10px 16px;gap:22px}
 figure{padding:8px 8px 6px;border-radius:4px}
 .cap{font-size:17px}
 .hint .keys{display:none}
}
@media print{.handle,.tag,.slider,.hint{display:none}.compare .before{display:none}figure{break-inside:avoid;box-shadow:none}}
`;

// Native range inputs already move with arrow keys when focused; elsewhere ← → jump between photos.
const JS = `
(function(){
  var figs=[].slice.call(document.querySelectorAll('figure.photo'));
  figs.forEach(function(f){
    var r=f.querySelector('.slider'),b=f.querySelector('.before'),h=f.querySelector('.handle'),a=f.querySelector('.after');
    // A tall (portrait) photo is narrowed so that it and its caption fit in the window: → shows it whole.
    var ar=Number(a.getAttribute('width'))/Number(a.getAttribute('height'));
    if(ar>0&&isFinite(ar))f.querySelector('.compare').style.maxWidth='calc((100vh - 110px) * '+ar.toFixed(4)+')';
    function set(){var v=Math.max(0,Math.min(100,Number(r.value)));b.style.clipPath='inset(0 '+(100-v)+'% 0 0)';h.style.left=v+'%';f.setAttribute('data-split',String(v));}
    r.addEventListener('input',set);set();
  });
  function current(){
    var mid=window.innerHeight/2,best=0,dist=Infinity;
    figs.forEach(function(f,i){var r=f.getBoundingClientRect(),d=Math.abs(r.top+r.height/2-mid);if(d<dist){dist=d;best=i;}});
    var a=document.activeElement,own=a&&a.closest?a.closest('figure.photo'):null;
    return own?figs.indexOf(own):best;
  }
  document.addEventListener('keydown',function(e){
    if(e.altKey||e.ctrlKey||e.metaKey||(e.target&&e.target.classList&&e.target.classList.contains('slider')))return;
    var step=e.key==='ArrowRight'||e.key==='PageDown'?1:e.key==='ArrowLeft'||e.key==='PageUp'?-1:0;
    if(!step||!figs.length)return;
    e.preventDefault();
    var next=figs[Math.max(0,Math.min(figs.length-1,current()+step))];
    next.focus({preventScroll:true});
    next.scrollIntoView({block:'center',behavior:window.matchMedia('(prefers-reduced-motion: reduce)').matches?'auto':'smooth'});
  });
})();
`;

function sha256(s: string): string {
  return `'sha256-${crypto.createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

/** The strict policy: nothing from the network, no plugins, only this page's own CSS/JS and images. */
export function albumCsp(): string {
  return [
    "default-src 'none'",
    "img-src 'self'",
    `style-src ${sha256(CSS)}`,
    `script-src ${sha256(JS)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function buildAlbumHtml(a: HtmlAlbum): string {
  const w = exportWords(a.locale);
  const n = a.photos.length;
  const years = a.photos
    .map((p) => humanDate(p.takenAt)?.iso.slice(0, 4))
    .filter((y): y is string => !!y)
    .sort();
  const span = years.length ? (years[0] === years[years.length - 1] ? years[0] : `${years[0]} – ${years[years.length - 1]}`) : null;
  const meta = [w.photos(n), span, w.colorizedWith].filter(Boolean).join(' · ');
  const figures = a.photos.map((p, i) => {
    const cap = escapeHtml(p.caption);
    const d = humanDate(p.takenAt, a.locale);
    return `<figure class="photo" id="photo-${i + 1}" tabindex="-1" aria-labelledby="cap-${i + 1}">
<div class="compare">
<img class="after" src="${escapeHtml(relUrl(p.after))}" width="${p.width}" height="${p.height}" alt="${cap} (${w.altAfter})"${i > 1 ? ' loading="lazy"' : ''} decoding="async">
<img class="before" src="${escapeHtml(relUrl(p.before))}" width="${p.width}" height="${p.height}" alt="${cap} (${w.altBefore})"${i > 1 ? ' loading="lazy"' : ''} decoding="async">
<span class="tag b" aria-hidden="true">${w.before}</span><span class="tag a" aria-hidden="true">${w.after}</span>
<input class="slider" type="range" min="0" max="100" step="1" value="50" aria-label="${w.beforeAfter}: ${cap}">
<div class="handle" aria-hidden="true"></div>
</div>
<figcaption><span class="num">${i + 1} / ${n}</span><span class="cap" id="cap-${i + 1}">${cap}</span>${d ? `<time datetime="${escapeHtml(d.iso)}">${escapeHtml(d.text)}</time>` : ''}</figcaption>
</figure>`;
  });
  const title = escapeHtml(a.title);
  return `<!doctype html>
<html lang="${w.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(albumCsp())}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(a.generator)}">
<title>${title}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<p class="eyebrow">${w.eyebrow}</p>
<h1>${title}</h1>
<p class="meta">${escapeHtml(meta)}</p>
<p class="hint">${w.hint}<span class="keys"> ${w.keys}</span></p>
</header>
<main>
${figures.join('\n')}
</main>
<footer>${w.madeWith(escapeHtml(a.generator), escapeHtml(a.models.join(', ')))}</footer>
<script>${JS}</script>
</body>
</html>
`;
}
