// 年报图表: draws the two charts from the JSON beside them (the tables carry the same numbers).
document.addEventListener("DOMContentLoaded", function () {
  var source = document.getElementById("annual-chart-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var counts = document.getElementById("annual-chart-counts");
  var amounts = document.getElementById("annual-chart-amounts");
  if (counts) {
    window.echarts.init(counts).setOption({
      title: { text: "各类执法行为件数", textStyle: { fontSize: 14 } },
      tooltip: {}, xAxis: { type: "category", data: data.kinds }, yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "件数", data: data.counts }]
    });
  }
  if (amounts) {
    window.echarts.init(amounts).setOption({
      title: { text: "罚没金额（元）", textStyle: { fontSize: 14 } },
      tooltip: {}, legend: { top: 24 }, xAxis: { type: "category", data: data.kinds }, yAxis: { type: "value" },
      series: [{ type: "bar", name: "罚款", data: data.fines }, { type: "bar", name: "没收", data: data.confiscations }]
    });
  }
});
