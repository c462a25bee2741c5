// The import's progress bar: asks the server where the background job is, every second, and reloads the page
// when the job moves to another stage (read, imported, refused).
(function () {
  const box = document.querySelector("[data-import-progress]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-progress-text]");
  const template = text.textContent;
  const first = /\d+/g;
  async function poll() {
    try {
      const response = await fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const progress = await response.json();
        if (progress.status !== box.dataset.status || progress.finished) {
          window.location.reload();
          return;
        }
        bar.value = progress.percent;
        bar.textContent = progress.percent + " %";
        let index = 0;
        const numbers = [progress.rows_done, progress.rows_total];
        text.textContent = template.replace(first, (match) => (index < 2 ? String(numbers[index++]) : match));
      }
    } catch (error) {
      // The server may be restarting: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 1000);
})();
