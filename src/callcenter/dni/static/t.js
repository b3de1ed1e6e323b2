// CallCenter Pro dynamic number insertion: shows each visitor the tracking number leased to them.
// <script async src="https://calls.example.com/js/t.js" data-tag="CODE"></script>
// (data-api="https://calls.example.com" when this file is served from elsewhere, e.g. a CDN.)
// The page keeps its own number on any error, or when no answer came within one second.
// Whole-line comments and indentation are stripped when served: no block comments here.
(function (w, d) {
  var s = d.currentScript;
  if (!s || !w.fetch || !w.URLSearchParams) return;
  var tag = s.getAttribute('data-tag');
  var api = s.getAttribute('data-api') || s.src.replace(/\/js\/t\.js.*$/, '');
  var KEY = 'cc_vid';
  var PHONE = /(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}/g;
  var state = w.ccDni = {status: 'pending'};
  var vid, params = {};
  // A first visit sends no visitor id: the server issues one, which is kept from then on.
  try { vid = localStorage.getItem(KEY); } catch (e) {}
  if (!/^[\w-]{8,64}$/.test(vid)) vid = (d.cookie.match(/(?:^|; )cc_vid=([\w-]{8,64})/) || [])[1];
  new URLSearchParams(location.search).forEach(function (v, k) { if (!(k in params)) params[k] = v; });

  function keep(id) {
    vid = id;
    try { localStorage.setItem(KEY, id); } catch (e) {}
    d.cookie = KEY + '=' + id + ';path=/;max-age=31536000;SameSite=Lax';
  }

  function post(ms) {
    var ctl = new AbortController(), timer = setTimeout(function () { ctl.abort(); }, ms);
    var body = JSON.stringify({tag: tag, visitor_id: vid, page_url: location.href, referrer: d.referrer, params: params});
    // text/plain keeps the request "simple": no CORS preflight before the visitor sees the number.
    return fetch(api + '/api/dni/track', {method: 'POST', body: body, signal: ctl.signal, credentials: 'omit', headers: {'Content-Type': 'text/plain'}})
      .then(function (r) { if (!r.ok) throw r.status; return r.json(); })
      .then(function (r) { clearTimeout(timer); return r; }, function (e) { clearTimeout(timer); throw e; });
  }

  // The new number written like the one it replaces: each digit of the page's number in turn.
  function shown(text, r) {
    var want = text.replace(/\D/g, '').length, digits = r.number_e164.slice(1);
    if (r.number_format !== 'page' || r.number_e164.indexOf('+1') || want < 10 || want > 11) return r.number_formatted;
    digits = digits.slice(digits.length - want);
    var i = 0;
    return text.replace(/\d/g, function () { return digits.charAt(i++); });
  }

  function swap(r) {
    var found = [];
    r.selectors.concat('a[href^="tel:"]').forEach(function (q) {
      try { found.push.apply(found, d.querySelectorAll(q)); } catch (e) {}
    });
    found.forEach(function (el) {
      if (/^tel:/i.test(el.getAttribute('href') || '')) el.setAttribute('href', 'tel:' + r.number_e164);
      var walk = d.createTreeWalker(el, 4), node, text;
      while ((node = walk.nextNode())) {
        text = node.nodeValue.replace(PHONE, function (m) { return shown(m, r); });
        if (text !== node.nodeValue) node.nodeValue = text;
      }
    });
    state.status = 'swapped';
  }

  function apply(r) {
    keep(r.visitor_id);
    state.number = r.number_e164;
    state.session_id = r.session_id;
    if (!r.number_e164) state.status = 'default';
    else if (d.readyState === 'loading') d.addEventListener('DOMContentLoaded', function () { swap(r); });
    else swap(r);
    if (r.renew_seconds) setTimeout(renew, r.renew_seconds * 1000);
  }

  // Renewals keep the lease while the page is visible; a hidden page renews when it is shown again.
  function renew() {
    if (d.visibilityState === 'hidden') return d.addEventListener('visibilitychange', renew, {once: true});
    post(5000).then(apply, function () { setTimeout(renew, 30000); });
  }

  post(1000).then(apply, function () { state.status = 'default'; });
})(window, document);
