// Small pictures drawn as SVG elements (built with createElementNS, never from markup): the
// icon of a document by its media type. No dependencies.

const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/**
 * A document icon: a page with a folded corner and a short label (PDF, IMG, CSV, FILE) by
 * `mediaType`. Decorative: the name and kind are written next to it.
 */
export function fileIcon(mediaType) {
  const m = String(mediaType);
  let tag = 'FILE';
  if (m === 'application/pdf') tag = 'PDF';
  else if (m.startsWith('image/')) tag = 'IMG';
  else if (m === 'text/csv') tag = 'CSV';
  const label = svg('text', {
    x: 24, y: 42, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 700, 'font-family': 'sans-serif', fill: 'currentColor',
  });
  label.textContent = tag;
  return svg(
    'svg',
    {
      class: `file-icon icon-${tag.toLowerCase()}`, viewBox: '0 0 48 60', width: 48, height: 60, 'aria-hidden': 'true', focusable: 'false',
    },
    svg('path', {
      d: 'M4 2h28l12 12v44H4z', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linejoin': 'round',
    }),
    svg('path', {
      d: 'M32 2v12h12', fill: 'none', stroke: 'currentColor', 'stroke-width': 3, 'stroke-linejoin': 'round',
    }),
    label,
  );
}
