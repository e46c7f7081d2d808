/* Staff console for press releases: live preview beside the editor, drag-and-drop photo order.
   Progressive enhancement only: without JavaScript the forms work as they are. */
(function () {
  "use strict";

  // --- live preview: the server renders the text exactly as the public page will (sanitised) ---
  var form = document.querySelector("[data-live-preview]");
  var pane = document.querySelector("[data-preview-pane]");
  if (form && pane && window.fetch) {
    var url = form.getAttribute("data-live-preview");
    var titleOut = pane.querySelector("[data-preview-title]");
    var bodyOut = pane.querySelector("[data-preview-body]");
    var timer = null;
    var refresh = function () {
      var data = new FormData(form);
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          titleOut.textContent = data.get("title") || "";
          bodyOut.innerHTML = html; // rendered and sanitised by the server
          pane.hidden = false;
        })
        .catch(function () { /* the preview is a convenience; saving still works */ });
    };
    var schedule = function () { clearTimeout(timer); timer = setTimeout(refresh, 600); };
    form.addEventListener("input", schedule);
    // the rich-text editor writes back into its textarea; listen for its changes too
    document.addEventListener("prose-editor:ready", function (event) {
      var editor = event.detail && event.detail.editor;
      if (editor && editor.on) {
        editor.on("update", function () { schedule(); });
      }
    });
    refresh();
  }

  // --- the rich-text editor is a text box named by its field's label (the textarea it replaces had one) ---
  var nameEditor = function (box) {
    var field = box.closest(".field");
    var label = field && field.querySelector("label");
    if (!label) { return; }
    if (!label.id) { label.id = (label.getAttribute("for") || "editor") + "-label"; }
    box.setAttribute("aria-labelledby", label.id);
    box.setAttribute("aria-multiline", "true");
  };
  // --- its toolbar's unavailable buttons (undo with nothing to undo, a link with nothing selected) say so to
  //     assistive technology too: the editor marks them only with a class and 30 % opacity ---
  var BUTTON = "prose-menubar__button";
  var markUnavailable = function (button) {
    var off = button.classList.contains("disabled") && !button.classList.contains("active");
    if (button.getAttribute("aria-disabled") !== String(off)) { button.setAttribute("aria-disabled", String(off)); }
  };
  var markAll = function (root) { root.querySelectorAll("." + BUTTON).forEach(markUnavailable); };
  // watched from the start, whenever the editor builds its toolbar (before or after this script runs)
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      if (record.type === "attributes") {
        if (record.target.classList.contains(BUTTON)) { markUnavailable(record.target); }
        return;
      }
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.classList.contains(BUTTON)) { markUnavailable(node); }
        markAll(node);
      });
    });
  }).observe(document.body, { attributes: true, attributeFilter: ["class"], childList: true, subtree: true });
  markAll(document);
  document.addEventListener("prose-editor:ready", function (event) {
    var editor = event.detail && event.detail.editor;
    if (editor && editor.view && editor.view.dom) { nameEditor(editor.view.dom); }
  });
  document.querySelectorAll('.field [contenteditable="true"]').forEach(nameEditor);

  // --- photo order: drag the cards, the position fields follow, the order is saved ---
  var list = document.querySelector("[data-sortable]");
  if (list) {
    var orderForm = document.getElementById(list.getAttribute("data-sortable"));
    var dragged = null;
    var renumber = function () {
      var items = list.querySelectorAll("[data-photo-id]");
      for (var i = 0; i < items.length; i++) {
        var input = items[i].querySelector("[data-order-input]");
        if (input) { input.value = String(i + 1); }
      }
    };
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-photo-id]");
      if (dragged) { dragged.classList.add("dragging"); event.dataTransfer.effectAllowed = "move"; }
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) { return; }
      event.preventDefault();
      var over = event.target.closest("[data-photo-id]");
      if (!over || over === dragged) { return; }
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("dragging");
      dragged = null;
      renumber();
      if (orderForm) { orderForm.submit(); }
    });
  }
})();
