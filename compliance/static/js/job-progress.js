// Poll the progress of each job the page shows, and reload the page when one is done.
// Each <progress> element carries data-poll-url, answered with {active, label, percent}.
(function () {
  "use strict";

  function follow(bar) {
    if (bar.hasAttribute("data-polled")) {
      return; // the script is included once per bar; each bar is polled once
    }
    bar.setAttribute("data-polled", "");
    var label = document.getElementById(bar.id + "-label");
    var url = bar.getAttribute("data-poll-url");
    var delay = 1000;

    function show(state) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
      if (label) {
        label.textContent = state.label + ": " + state.percent + "%";
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (state) {
          if (!state.active) {
            window.location.reload();
            return;
          }
          show(state);
          window.setTimeout(poll, delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 30000);
          window.setTimeout(poll, delay);
        });
    }

    window.setTimeout(poll, delay);
  }

  document.querySelectorAll("progress[data-poll-url]").forEach(follow);
})();
