// What the embedded pages share (the supervision dashboard, the officer workbench), inlined into each as a script
// block of its own by EmbeddedPage, where a <!-- page-kit --> line stands (and hashed into the page's policy like
// the page's own script): the token the person pastes, kept for this tab only; calls to the API with it; problem
// documents as messages; table cells written with textContent only — case data, names and complaints are user
// input and are never rendered as HTML.
var ApprovalsPage = function (tokenKey, signInFirst) {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };

  function token() { return sessionStorage.getItem(tokenKey) || ""; }

  // The token's claims, read only to show who is signed in and what it covers: the API checks the token.
  function claims() {
    try {
      var part = token().split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      var json = decodeURIComponent(Array.prototype.map.call(atob(part), function (c) {
        return "%" + ("00" + c.charCodeAt(0).toString(16)).slice(-2);
      }).join(""));
      return JSON.parse(json);
    } catch (e) { return {}; }
  }

  function setStatus(id, text, isError) {
    var el = $(id);
    el.textContent = text;
    el.className = isError ? "status error" : "status";
  }

  function problemText(r, body) {
    var text = (body && (body.detail || body.title)) || ("HTTP " + r.status);
    return body && body.code ? text + " [" + body.code + "]" : text;
  }

  function request(method, path, body, extraHeaders) {
    if (!token()) { return Promise.reject(new Error(signInFirst)); }
    var headers = { "Authorization": "Bearer " + token(), "Accept": "application/json" };
    Object.keys(extraHeaders || {}).forEach(function (k) { headers[k] = extraHeaders[k]; });
    var init = { method: method, headers: headers };
    if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    return fetch(path, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401 || r.status === 403) {
          throw new Error("令牌被拒绝 The token was refused: " + problemText(r, data) + " (" + r.status + ")");
        }
        if (!r.ok) { throw new Error(problemText(r, data) + " (" + r.status + ")"); }
        return data;
      });
    });
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function clear(tableId) {
    var body = $(tableId).tBodies[0];
    while (body.firstChild) { body.removeChild(body.firstChild); }
    return body;
  }

  function when(iso) { return iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : ""; }

  // The sign-in controls every page has (#token, #save-token, #clear-token); onChange runs after either.
  function signIn(onChange) {
    $("save-token").addEventListener("click", function () {
      var t = $("token").value.trim().replace(/^Bearer\s+/i, "");
      if (t) { sessionStorage.setItem(tokenKey, t); }
      $("token").value = "";
      onChange();
    });
    $("clear-token").addEventListener("click", function () { sessionStorage.removeItem(tokenKey); onChange(); });
  }

  return { $: $, token: token, claims: claims, setStatus: setStatus, problemText: problemText, request: request, cell: cell, clear: clear, when: when, signIn: signIn };
};
