/* bantin search, load.js: loading index files in the browser. Each index file is a script
 * that calls window.bantinSearch.add(key, data); scriptLoader gives an Engine a `load` that
 * adds a <script> tag for one file and resolves to its data, which works over http(s) and
 * from file:// alike.
 *
 * One of the parts of the search client (see text.js); adds to window.bantinSearch.
 */
(function (S) {
  "use strict";

  var waiting = {};
  // Data that came before it was asked for: the page loads manifest.js with a <script> tag
  // right after the client, saving a round trip.
  var early = {};

  /** Called by each index file with its key ("manifest", "s/ng", …) and its data. */
  S.add = function (key, data) {
    var w = waiting[key];
    if (w) {
      delete waiting[key];
      w.resolve(data);
    } else {
      early[key] = data;
    }
  };

  /**
   * A `load` for `engine`: the index file `name` from the folder `base` (ending in "/"),
   * with the manifest's version in its address once the manifest is in.
   */
  function scriptLoader(base, engine) {
    return function (name) {
      if (Object.prototype.hasOwnProperty.call(early, name)) {
        var data = early[name];
        delete early[name];
        return Promise.resolve(data);
      }
      return new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        var v = engine.manifest && name !== "manifest" ? "?v=" + engine.manifest.version : "";
        waiting[name] = { resolve: resolve };
        s.src = base + name + ".js" + v;
        s.async = true;
        s.onload = function () {
          s.remove();
          if (waiting[name]) {
            delete waiting[name];
            reject(new Error("no data in " + s.src));
          }
        };
        s.onerror = function () {
          s.remove();
          delete waiting[name];
          reject(new Error("cannot load " + s.src));
        };
        document.head.appendChild(s);
      });
    };
  }

  S.scriptLoader = scriptLoader;
})((globalThis.bantinSearch = globalThis.bantinSearch || {}));
