// A page waiting on the other region reloads itself until the answer is in; the server holds
// each load for a moment and stops asking for reloads once it has the answer or gives up.
(() => {
  const box = document.querySelector("[data-wait-reload]");
  if (!box) {
    return;
  }
  const seconds = Number(box.getAttribute("data-wait-reload")) || 1;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
})();
