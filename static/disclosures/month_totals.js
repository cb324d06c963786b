// The month's admin page: income, expense and closing balance while entries are typed.
// Amounts are added in whole fen (cents), never as floating yuan.
(function () {
  "use strict";

  function fen(text) {
    const plain = text.replace(/[,，\s]/g, "");
    if (!/^-?\d+(\.\d{1,2})?$/.test(plain)) return null;
    const [whole, part = ""] = plain.replace("-", "").split(".");
    const value = Number(whole) * 100 + Number((part + "00").slice(0, 2));
    return plain.startsWith("-") ? -value : value;
  }

  function yuan(value) {
    const sign = value < 0 ? "-" : "";
    const absolute = Math.abs(value);
    const whole = Math.floor(absolute / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${sign}${whole}.${String(absolute % 100).padStart(2, "0")}`;
  }

  function update(box) {
    let income = 0;
    let expense = 0;
    document.querySelectorAll("#entries-group tr.form-row").forEach((row) => {
      const amount = row.querySelector("input[name$='-amount']");
      const kind = row.querySelector("select[name$='-kind']");
      const deleted = row.querySelector("input[name$='-DELETE']");
      if (!amount || !kind || (deleted && deleted.checked)) return;
      const value = fen(amount.value);
      if (value === null) return;
      if (kind.value === "income") income += value;
      if (kind.value === "expense") expense += value;
    });
    const opening = fen(document.getElementById("id_opening_balance")?.value || box.dataset.opening) || 0;
    box.querySelector("[data-total=income]").textContent = yuan(income);
    box.querySelector("[data-total=expense]").textContent = yuan(expense);
    box.querySelector("[data-total=closing]").textContent = yuan(opening + income - expense);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const box = document.getElementById("running-totals");
    if (!box) return;
    const refresh = () => update(box);
    document.addEventListener("input", refresh);
    document.addEventListener("change", refresh);
    refresh();
  });
})();
