/* Behaviour that would otherwise sit in inline event handlers, which the Content-Security-Policy
 * forbids. Loaded with `defer` on every page.
 *
 *   <select data-autosubmit>   submits its form when the choice changes
 *   <button data-print>        prints the page
 *   <button data-nav-toggle>   opens and closes the main menu on a phone
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-print]");
    if (el) window.print();
    var toggle = event.target.closest && event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = toggle.parentNode.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });
})();
