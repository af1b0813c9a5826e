// Show and hide questions as answers change, with the same rules as the server
// (questionnaires/conditions.py): a hidden or unanswered question satisfies no test except
// `answered: false`. Hidden questions are disabled so they are not submitted.
(function () {
  "use strict";
  var conditionsNode = document.getElementById("conditions");
  var savedNode = document.getElementById("saved-answers");
  if (!conditionsNode || !savedNode) { return; }
  var conditions = JSON.parse(conditionsNode.textContent);
  var saved = JSON.parse(savedNode.textContent);
  var fieldsets = Array.prototype.slice.call(document.querySelectorAll("fieldset[data-question]"));

  function answered(value) {
    return value !== null && value !== undefined && value !== "" &&
      !(Array.isArray(value) && value.length === 0);
  }

  function valueOf(fieldset) {
    var inputs = fieldset.querySelectorAll("input, textarea, select");
    var checked = [];
    var single = null;
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "checkbox") { if (input.checked) { checked.push(input.value); } }
      else if (input.type === "radio") { if (input.checked) { single = input.value; } }
      else if (input.type === "number") { single = input.value === "" ? null : Number(input.value); }
      else { single = input.value; }
    }
    var isMultiple = fieldset.querySelector("input[type=checkbox]") !== null;
    return isMultiple ? checked : single;
  }

  function matches(value, keys) {
    if (Array.isArray(value)) { return value.some(function (v) { return keys.indexOf(v) >= 0; }); }
    return keys.indexOf(value) >= 0;
  }

  function holds(condition, answers) {
    if (condition.all) { return condition.all.every(function (c) { return holds(c, answers); }); }
    if (condition.any) { return condition.any.some(function (c) { return holds(c, answers); }); }
    if (condition.not) { return !holds(condition.not, answers); }
    var value = answers[condition.question];
    if (condition.answered !== undefined) { return answered(value) === condition.answered; }
    if (!answered(value)) { return false; }
    if (condition["in"]) { return matches(value, condition["in"]); }
    if (condition.not_in) { return !matches(value, condition.not_in); }
    if (condition.at_least !== undefined) {
      return typeof value === "number" && value >= condition.at_least;
    }
    return false;
  }

  function refresh() {
    var answers = Object.assign({}, saved);
    fieldsets.forEach(function (fieldset) {
      var id = fieldset.getAttribute("data-question");
      var condition = conditions[id];
      var visible = !condition || holds(condition, answers);
      fieldset.hidden = !visible;
      fieldset.disabled = !visible;
      answers[id] = visible ? valueOf(fieldset) : null;
    });
  }

  document.addEventListener("change", refresh);
  document.addEventListener("input", refresh);
  refresh();
})();
