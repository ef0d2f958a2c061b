() => {
  const problems = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) problems.push(`scrolls sideways: ${doc.scrollWidth}px`);
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const small = new Set();
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('svg, script, style, noscript')) continue;
    if (!visible(el)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.add(`${el.tagName.toLowerCase()}.${el.className} ${size}px "${node.textContent.trim().slice(0, 20)}"`);
  }
  small.forEach((s) => problems.push('small text: ' + s));
  const targets = document.querySelectorAll(
    'button, .button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea, ' +
    '.tabbar a, .admin-tabs a, .pager a, .tabs a, .session a, .topbar .lang');
  targets.forEach((el) => {
    if (!visible(el)) return;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5) problems.push(`small target: ${el.tagName.toLowerCase()}.${el.className} ${Math.round(r.height)}px "${(el.textContent || el.name || '').trim().slice(0, 20)}"`);
  });
  return problems;
}
