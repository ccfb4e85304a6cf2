// The queue's row selection: "select all" on the page, the count of selected rows, and the
// bulk buttons enabled only with a selection. Works on every results swap (htmx replaces
// #queue-results); without JavaScript the checkboxes and buttons work as a plain form.
(function () {
  "use strict";

  function boxes(root) {
    return Array.prototype.slice.call(
      root.querySelectorAll('input[type=checkbox][name=packet_ids][form=bulk-form]')
    );
  }

  function refresh() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var all = boxes(document);
    var picked = all.filter(function (b) { return b.checked; });
    var count = form.querySelector(".bulk-count");
    if (count) {
      count.textContent = picked.length
        ? count.getAttribute("data-some").replace("{n}", String(picked.length))
        : count.getAttribute("data-none");
    }
    form.classList.toggle("has-selection", picked.length > 0);
    Array.prototype.forEach.call(form.querySelectorAll("button"), function (b) {
      b.disabled = picked.length === 0;
    });
    var head = document.querySelector("input.select-all");
    if (head) {
      head.hidden = all.length === 0;
      head.checked = all.length > 0 && picked.length === all.length;
      head.indeterminate = picked.length > 0 && picked.length < all.length;
    }
    Array.prototype.forEach.call(all, function (b) {
      var row = b.closest("tr");
      if (row) row.classList.toggle("selected", b.checked);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.classList.contains("select-all")) {
      boxes(document).forEach(function (b) { b.checked = target.checked; });
      refresh();
    } else if (target.name === "packet_ids") {
      refresh();
    }
  });

  document.addEventListener("DOMContentLoaded", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
})();
