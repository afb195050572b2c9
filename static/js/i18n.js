/* The page scripts' words in the page's language: gettext("text", {name: …}) and ngettext(one, other, n, {…}),
   read from the JSON the server puts into every page (planner.i18n.js_messages). %(name)s placeholders are
   filled from the object; ngettext also fills %(num)s with n. An unknown text is shown as it is. */
(function () {
  "use strict";
  var node = document.getElementById("planner-messages");
  var messages = node ? JSON.parse(node.textContent) : {};

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, name) {
      return values && name in values ? String(values[name]) : whole;
    });
  }

  window.gettext = function (text, values) {
    var found = messages[text];
    return fill(typeof found === "string" ? found : text, values);
  };

  window.ngettext = function (one, other, count, values) {
    var forms = messages[one];
    var index = count === 1 ? 0 : 1;
    var text = Array.isArray(forms) ? forms[index] : [one, other][index];
    return fill(text, Object.assign({ num: count }, values));
  };
})();
