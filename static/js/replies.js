/* Reply templates in a report's action forms: "Use template" fills the message at once, from the texts the
   server filled for this report, instead of sending the form. Without JavaScript the button asks the server,
   which does the same. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-template]");
    if (!button) { return; }
    var form = button.form;
    var select = form && form.querySelector("select[name=template]");
    var message = form && form.querySelector("textarea[name=message]");
    var source = select && select.value && form.querySelector('template[data-reply-text="' + select.value + '"]');
    if (!source || !message) { return; } // nothing chosen: let the server say so
    event.preventDefault();
    var text = source.content.textContent;
    var typed = message.value.trim();
    message.value = typed ? typed + "\n\n" + text : text;
    message.focus();
    message.setSelectionRange(message.value.length, message.value.length);
  });
})();
