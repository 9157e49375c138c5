// Draws on a 280×280 canvas, averages it down to 28×28 in [0, 1] and asks the main process for a label.
const pad = document.getElementById('pad');
const ctx = pad.getContext('2d');
let drawing = false;

function clear() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  document.getElementById('answer').textContent = '';
  document.getElementById('bars').innerHTML = '';
}

function pixels() {
  const src = ctx.getImageData(0, 0, 280, 280).data;
  const out = new Array(784).fill(0);
  for (let y = 0; y < 280; y++) {
    for (let x = 0; x < 280; x++) out[Math.floor(y / 10) * 28 + Math.floor(x / 10)] += src[(y * 280 + x) * 4] / 255 / 100;
  }
  return out;
}

async function classify() {
  const p = await window.digits.classify(pixels());
  const best = p.indexOf(Math.max(...p));
  document.getElementById('answer').textContent = `${best} (${(100 * p[best]).toFixed(1)}%)`;
  document.getElementById('bars').innerHTML = p
    .map((v, d) => `<div>${d} <span class="bar" style="width:${Math.round(300 * v)}px"></span></div>`)
    .join('');
}

pad.addEventListener('pointerdown', (e) => { drawing = true; draw(e); });
pad.addEventListener('pointermove', (e) => drawing && draw(e));
pad.addEventListener('pointerup', () => { drawing = false; classify(); });
document.getElementById('clear').addEventListener('click', clear);

function draw(e) {
  ctx.fillStyle = '#fff';
  ctx.beginPath();
  ctx.arc(e.offsetX, e.offsetY, 12, 0, 2 * Math.PI);
  ctx.fill();
}

clear();
