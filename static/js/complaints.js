/* Progressive enhancement for the complaint form and the receipt. Everything works without it. */
(function () {
  "use strict";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  var form = $("[data-complaint-form]");
  if (form) {
    var unit = form.querySelector("select[name=unit]");
    var category = form.querySelector("select[name=category]");
    var msgs = form.dataset;

    // a search box above the unit list
    if (unit && unit.options.length > 8) {
      var search = document.createElement("input");
      search.type = "search";
      search.className = "unit-search";
      search.placeholder = msgs.searchPlaceholder || "";
      search.setAttribute("aria-label", msgs.searchPlaceholder || "");
      unit.parentNode.insertBefore(search, unit);
      search.addEventListener("input", function () {
        var q = search.value.trim().toLowerCase();
        var first = null;
        $all("option", unit).forEach(function (opt) {
          var show = !opt.value || opt.text.toLowerCase().indexOf(q) !== -1;
          opt.hidden = !show;
          if (show && opt.value && !first) { first = opt; }
        });
        if (q && first && unit.selectedOptions[0] && unit.selectedOptions[0].hidden) { unit.value = first.value; filterCategories(); }
      });
    }

    // only the chosen unit's categories
    function filterCategories() {
      if (!unit || !category) { return; }
      var chosen = unit.value;
      $all("option", category).forEach(function (opt) {
        var owner = opt.getAttribute("data-unit");
        opt.hidden = Boolean(chosen && owner && owner !== chosen);
      });
      $all("optgroup", category).forEach(function (group) {
        group.hidden = $all("option", group).every(function (o) { return o.hidden; });
      });
      var selected = category.selectedOptions[0];
      if (selected && selected.hidden) { category.value = ""; }
    }
    if (unit) { unit.addEventListener("change", filterCategories); filterCategories(); }

    // contact fields are pointless for a fully anonymous report
    var contact = $("[data-contact-fields]", form);
    function toggleContact() {
      var mode = form.querySelector("input[name=identity_mode]:checked");
      var anonymous = mode && mode.value === "anonymous";
      if (contact) { contact.hidden = anonymous; }
    }
    $all("input[name=identity_mode]", form).forEach(function (r) { r.addEventListener("change", toggleContact); });
    toggleContact();

    // tell about too many or too large files before the upload starts
    var files = form.querySelector("input[name=attachments]");
    if (files) {
      files.addEventListener("change", function () {
        var problem = "";
        if (files.files.length > 5) { problem = msgs.tooManyFiles; }
        Array.prototype.forEach.call(files.files, function (f) {
          if (f.size > 10 * 1024 * 1024) { problem = (msgs.fileTooLarge || "").replace("%s", f.name); }
        });
        files.setCustomValidity(problem);
        var note = files.parentNode.querySelector(".js-file-problem");
        if (!note) { note = document.createElement("p"); note.className = "error js-file-problem"; note.setAttribute("role", "alert"); files.parentNode.appendChild(note); }
        note.textContent = problem;
      });
    }

    // send with a progress bar; the server's answer replaces the page as a normal submit would
    form.addEventListener("submit", function (event) {
      if (files && files.validationMessage) { event.preventDefault(); files.focus(); return; }
      if (!window.XMLHttpRequest || !window.FormData) { return; }
      event.preventDefault();
      var button = $("[data-submit]", form);
      var bar = document.createElement("progress");
      bar.max = 100; bar.value = 0; bar.className = "upload-progress";
      button.disabled = true;
      var label = button.textContent;
      button.textContent = msgs.sending || label;
      button.parentNode.appendChild(bar);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) { bar.value = Math.round(e.loaded * 100 / e.total); } });
      xhr.addEventListener("load", function () {
        // the answer (the receipt after a redirect, or the form with its errors) replaces the page; loading the
        // receipt's address again would not do: the receipt shows the tracking code only the first time
        var moved = xhr.status < 300 && xhr.responseURL && xhr.responseURL !== window.location.href;
        document.open(); document.write(xhr.responseText); document.close();
        if (moved && window.history && history.replaceState) { history.replaceState(null, "", xhr.responseURL); }
      });
      xhr.addEventListener("error", function () {
        button.disabled = false; button.textContent = label; bar.remove();
        alert(msgs.networkError || "");
      });
      xhr.send(new FormData(form));
    });
  }

  // receipt: copy and print
  $all("[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = $(button.getAttribute("data-copy")).textContent.trim();
      navigator.clipboard.writeText(text).then(function () { var ok = $("[data-copied]"); if (ok) { ok.hidden = false; } });
    });
  });
  $all("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
