/*
 * page_static.c - the two static assets, compiled in: the style sheet and
 * the small script that sorts report tables without a reload (the pages
 * work without it: headings are also plain sort= links).  Served with
 * Cache-Control so that a browser fetches them once a day.
 */
#include <stdio.h>

#include "pages.h"

const struct qs_key page_static_keys[] = {
	{ "v", QS_NAME, 16, 0, 0, NULL },	/* cache buster */
	{ NULL, 0, 0, 0, 0, NULL },
};

static const char css[] =
"body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;"
"background:#fafafa}\n"
"nav{background:#234;padding:.5em 1em}\n"
"nav b{color:#fff;margin-right:1em}\n"
"nav a{color:#cde;margin-right:1em;text-decoration:none}\n"
"nav a.cur{color:#fff;text-decoration:underline}\n"
"main{padding:0 1em 2em}\n"
"h1{font-size:1.3em}\n"
"fieldset{border:1px solid #ccc;margin:.5em 0;padding:.4em .8em}\n"
"legend{font-weight:bold}\n"
"label{display:inline-block;margin:.2em 1em .2em 0}\n"
"input[type=text]{width:14em}\n"
"textarea{width:100%;max-width:60em;font-family:monospace}\n"
"button{padding:.3em 1.2em}\n"
"table.rpt{border-collapse:collapse;margin:1em 0;background:#fff}\n"
"table.rpt caption{text-align:left;font-weight:bold;padding:.3em 0}\n"
"table.rpt th,table.rpt td{border:1px solid #ddd;padding:.2em .6em}\n"
"table.rpt th{background:#eef}\n"
"table.rpt td.num,table.rpt th.num{text-align:right;"
"font-variant-numeric:tabular-nums}\n"
"table.rpt tbody tr:nth-child(even){background:#f6f8fa}\n"
"table.rpt a{text-decoration:none}\n"
"pre,code.expr{background:#fff;border:1px solid #ddd;padding:.2em .4em}\n"
"pre{overflow:auto}\n"
".error{color:#a00;font-weight:bold}\n"
".warn{color:#850}\n"
".note{color:#555}\n"
".params td{padding:0 1em 0 0}\n"
"form.inline{display:inline;margin:0}\n"
"form.save{margin:.5em 0}\n"
"table.saved code{word-break:break-all}\n"
".done{color:#060;font-weight:bold}\n"
/* status: the warnings box */
".warnbox{background:#fff4e5;border:2px solid #c60;padding:.4em 1em;"
"margin:.5em 0;color:#630}\n"
".warnbox ul{margin:.3em 0}\n"
".ok{color:#060}\n"
"table.status td,table#flows td{white-space:nowrap}\n"
/* trackings: thumbnails, period graphs, their forms */
".thumbs{display:flex;flex-wrap:wrap;gap:1em}\n"
"figure{margin:0}\n"
"figure.thumb{background:#fff;border:1px solid #ddd;padding:.4em;"
"width:300px}\n"
"figure.thumb img,figure.period img{display:block;max-width:100%;"
"height:auto}\n"
"figure.thumb figcaption{margin-top:.3em;overflow-wrap:anywhere}\n"
"figure.thumb code{font-size:.9em;color:#555}\n"
".graphs{display:flex;flex-wrap:wrap;gap:1em}\n"
"figure.period{background:#fff;border:1px solid #ddd;padding:.4em}\n"
"figure.period figcaption{font-weight:bold;margin-bottom:.3em}\n"
"form.trk{background:#fff;border:1px solid #ddd;padding:.5em .8em;"
"max-width:60em}\n"
"form.trk label{display:grid;grid-template-columns:11em minmax(0,34em);"
"align-items:center;margin:.3em 0}\n"
"form.trk p.note{margin:.3em 0 .6em}\n"
"form.trk input[type=text]{width:100%;box-sizing:border-box}\n"
"form.trk input[type=number]{width:9em;justify-self:start}\n"
"form.trk select,form.trk input[type=checkbox]{justify-self:start}\n"
"pre.def{max-width:60em}\n";

static const char js[] =
"/* flowkeep: sort report tables in the page (no reload). */\n"
"(function () {\n"
"  function val(td) {\n"
"    var v = td.getAttribute('data-v');\n"
"    return v !== null ? v : td.textContent;\n"
"  }\n"
"  function key(v, num) {\n"
"    if (num) return parseFloat(v) || 0;\n"
"    var m = /^(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)(.*)$/.exec(v);\n"
"    if (m) return [m[1], m[2], m[3], m[4]].map(function (x) {\n"
"      return ('00' + x).slice(-3); }).join('.') + m[5];\n"
"    return /^\\d+$/.test(v) ? ('0000000000' + v).slice(-10) : v;\n"
"  }\n"
"  document.querySelectorAll('table.rpt').forEach(function (t) {\n"
"    t.querySelectorAll('thead th').forEach(function (th, i) {\n"
"      var a = th.querySelector('a');\n"
"      if (!a) return;\n"
"      a.addEventListener('click', function (e) {\n"
"        e.preventDefault();\n"
"        var num = th.classList.contains('num');\n"
"        var asc = th.getAttribute('data-asc') !== '1';\n"
"        th.setAttribute('data-asc', asc ? '1' : '0');\n"
"        var tb = t.tBodies[0];\n"
"        var rows = Array.prototype.slice.call(tb.rows);\n"
"        rows.sort(function (x, y) {\n"
"          var p = key(val(x.cells[i]), num), q = key(val(y.cells[i]), num);\n"
"          return (p < q ? -1 : p > q ? 1 : 0) * (asc ? 1 : -1);\n"
"        });\n"
"        rows.forEach(function (r) { tb.appendChild(r); });\n"
"      });\n"
"    });\n"
"  });\n"
"  /* graphs the built-in listener answered 503 (busy): ask again */\n"
"  document.querySelectorAll('img.g').forEach(function (im) {\n"
"    var n = 0;\n"
"    function retry() {\n"
"      if (n++ >= 6) return;\n"
"      setTimeout(function () {\n"
"        var s = im.getAttribute('src');\n"
"        im.removeAttribute('src');\n"
"        im.setAttribute('src', s);\n"
"      }, 400 * n);\n"
"    }\n"
"    im.addEventListener('error', retry);\n"
"    if (im.complete && im.naturalWidth === 0) retry();\n"
"  });\n"
"  document.querySelectorAll('form[data-confirm]').forEach(function (f) {\n"
"    f.addEventListener('submit', function (e) {\n"
"      if (!window.confirm(f.getAttribute('data-confirm')))\n"
"        e.preventDefault();\n"
"    });\n"
"  });\n"
"})();\n";

static int
asset(struct web_out *o, const char *ctype, const char *body, size_t len)
{
	o->ctype = ctype;
	web_out_header(o, "Cache-Control", "public, max-age=86400");
	fwrite(body, 1, len, o->fp);
	return 200;
}

int
page_css(const struct web_req *r, struct web_out *o)
{
	(void)r;
	return asset(o, "text/css; charset=utf-8", css, sizeof(css) - 1);
}

int
page_js(const struct web_req *r, struct web_out *o)
{
	(void)r;
	return asset(o, "text/javascript; charset=utf-8", js, sizeof(js) - 1);
}
