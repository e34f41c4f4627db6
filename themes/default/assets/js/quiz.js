/* Herald default theme: the knowledge quiz scores itself in the browser.
 * Without JavaScript every question keeps its answer and explanation in a
 * <details> element, so the page still reads as a list of questions and answers. */
(function () {
  "use strict";
  var form = document.getElementById("quiz");
  if (!form) return;

  var points = parseInt(form.getAttribute("data-points"), 10) || 0;
  var total = parseInt(form.getAttribute("data-total"), 10) || 0;
  var status = document.getElementById("quiz-status");
  var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-answer]"));

  /* With JavaScript the answers stay folded away until the quiz is handed in. */
  form.classList.add("quiz--js");
  Array.prototype.forEach.call(document.querySelectorAll("[data-quiz-js]"), function (el) { el.hidden = false; });
  Array.prototype.forEach.call(document.querySelectorAll("[data-quiz-nojs]"), function (el) { el.hidden = true; });
  questions.forEach(function (set) {
    var box = set.querySelector("[data-answer-box]");
    if (box) box.hidden = true;
  });

  function clear() {
    questions.forEach(function (set) {
      var item = set.parentNode;
      item.classList.remove("question--right", "question--wrong", "question--missed");
      var result = set.querySelector("[data-result]");
      result.hidden = true;
      result.textContent = "";
      var box = set.querySelector("[data-answer-box]");
      if (box) { box.hidden = true; box.open = false; }
      Array.prototype.forEach.call(set.querySelectorAll(".option"), function (o) {
        o.classList.remove("option--correct", "option--chosen-wrong");
      });
    });
    status.textContent = "";
    form.classList.remove("quiz--done");
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var right = 0;
    var unanswered = 0;
    questions.forEach(function (set) {
      var answer = set.getAttribute("data-answer");
      var chosen = set.querySelector("input[type=radio]:checked");
      var item = set.parentNode;
      var result = set.querySelector("[data-result]");
      item.classList.remove("question--right", "question--wrong", "question--missed");
      Array.prototype.forEach.call(set.querySelectorAll(".option"), function (o) {
        var input = o.querySelector("input");
        o.classList.toggle("option--correct", input.value === answer);
        o.classList.toggle("option--chosen-wrong", input.checked && input.value !== answer);
      });
      if (chosen && chosen.value === answer) {
        right += 1;
        item.classList.add("question--right");
        result.textContent = "✔ 回答正确";
      } else if (chosen) {
        item.classList.add("question--wrong");
        result.textContent = "✘ 回答错误：您选了 " + chosen.value + "，正确答案是 " + answer;
      } else {
        unanswered += 1;
        item.classList.add("question--missed");
        result.textContent = "✘ 未作答，正确答案是 " + answer;
      }
      result.hidden = false;
      var box = set.querySelector("[data-answer-box]");
      if (box) { box.hidden = false; box.open = true; }
    });
    var score = right * points;
    var text = "您的得分：" + score + " / " + total + " 分。共 " + questions.length + " 题，答对 " + right + " 题";
    if (unanswered) text += "，未作答 " + unanswered + " 题";
    text += "。" + (score === total ? "全部正确，真棒！" : "每题下方已显示正确答案和解析。");
    status.textContent = text;
    form.classList.add("quiz--done");
    /* Bring keyboard and screen-reader users to the result. */
    status.focus();
  });

  form.addEventListener("reset", function () {
    /* After the browser clears the radios. */
    setTimeout(function () {
      clear();
      var first = form.querySelector("input[type=radio]");
      if (first) first.focus();
    }, 0);
  });
})();
