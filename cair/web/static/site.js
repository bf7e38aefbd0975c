// Small enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // An error summary takes the focus, so a screen reader reads it first.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();

    // Parts of a form that follow earlier answers (data-shown-if, data-required-if; the
    // server draws them the same way from the answers it has, see _forms.html): redrawn as
    // the answers change, so nobody waits for the next page to see what is asked.
    function answer(form, name) {
      var chosen = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
      if (chosen) return chosen.value;
      var select = form.querySelector('select[name="' + name + '"]');
      if (select && select.value) return select.value;
      // An answer the page settles (the door's access answers) rides as a hidden field.
      var settled = form.querySelector('input[type="hidden"][name="' + name + '"]');
      return settled && settled.value ? settled.value : null;
    }
    function fact(form, expr) {
      if (expr === "vfc") {
        var supplied = fact(form, "organization.receives_state_supplied_vaccine=yes");
        if (supplied !== true) return supplied;
        var programs = form.querySelectorAll('input[name="organization.state_supplied_programs"]:checked');
        var vfc = form.querySelector('input[name="organization.state_supplied_programs"][value="VFC"]:checked');
        return programs.length === 0 || vfc !== null;
      }
      var parts = expr.split("=");
      var given = answer(form, parts[0]);
      return given === null ? null : given === (parts[1] || "yes");
    }
    function accessLevel(form) {
      var a = answer(form, "access.administers_vaccines");
      var s = answer(form, "access.submits_electronically");
      var h = answer(form, "access.enters_historical_doses");
      if (a === null || s === null || h === null) return null;
      if (a === "yes") return s === "yes" ? "data_exchange" : "clinical";
      if (s === "yes") return null;
      return h === "yes" ? "limited_clinical" : "read_only";
    }
    // Without script a part shows until an answer rules it out; with it, only once an answer
    // calls for it (unless it holds a problem to correct).
    function follow(form) {
      form.querySelectorAll("[data-shown-if]").forEach(function (part) {
        var holds = fact(form, part.getAttribute("data-shown-if"));
        part.hidden = holds === false || (holds === null && !part.querySelector(".error-message"));
      });
      form.querySelectorAll("[data-required-if]").forEach(function (part) {
        var holds = fact(form, part.getAttribute("data-required-if"));
        part.querySelectorAll('[data-mark="required"]').forEach(function (m) { m.hidden = holds !== true; });
        part.querySelectorAll('[data-mark="optional"]').forEach(function (m) { m.hidden = holds !== false; });
        part.querySelectorAll("[data-required-input]").forEach(function (i) { i.required = holds === true; });
      });
      var level = accessLevel(form);
      form.querySelectorAll("select[data-roles] option").forEach(function (option) {
        var allowed = level === null || option.getAttribute("data-levels").split(" ").indexOf(level) >= 0;
        option.hidden = option.disabled = !allowed && !option.selected;
      });
    }
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-shown-if], [data-required-if], select[data-roles]")) return;
      form.addEventListener("change", function () { follow(form); });
      follow(form);  // answers the browser restored (going back) count too
    });

    // Forms that end something ask first.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });

    // A form is sent once: its button waits after the first press.
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      button.form && button.form.addEventListener("submit", function (event) {
        if (event.submitter !== button) return;
        window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });

    // Copy a shown-once secret.
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          var status = button.parentElement.querySelector(".copied");
          if (status) status.textContent = "Copied.";
        });
      });
    });
  });
})();
