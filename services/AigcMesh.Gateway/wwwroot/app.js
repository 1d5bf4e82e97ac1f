// AigcMesh dashboard: plain ES modules, no build step. Every view reads the gateway's /api and follows the
// live event streams, so nothing needs a reload.
import { apiKey, setApiKey, get, post, del, request, imageUrl, stream, pick, ApiError } from './api.js';
import { LineChart } from './chart.js';

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];
const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const short = id => (id ? String(id).slice(0, 8) : '');
const fmt = v => (typeof v === 'number' ? (Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toPrecision(4) : String(+v.toFixed(4))) : v ?? '');
const TEXT_FAMILIES = ['gpt', 'lstm'];
const artifactPath = id => `/api/artifacts/${encodeURIComponent(id)}`;

const state = { datasets: [], runs: [], models: [], selectedRun: null, stopRun: null, stopPipeline: null, sort: { key: null, dir: 1 } };

// ---- banner and errors ----------------------------------------------------------------------------------

function banner(message, kind = 'error') {
  const b = $('#banner');
  b.textContent = message;
  b.className = kind === 'info' ? 'info' : '';
  b.hidden = !message;
}

function showError(e) {
  if (e instanceof ApiError) {
    if (e.status === 401) banner('401 Unauthorized: enter a valid API key above.');
    else if (e.status === 403) banner('403 Forbidden: this API key is read-only.');
    else if (e.status === 429) banner('429 Too many requests: slow down and try again.');
    else banner(e.describe());
  } else {
    banner(String(e && e.message ? e.message : e));
  }
}

/** Shows problem-details field errors next to the matching form fields (data-field / data-error-for), the rest at the form. */
function showFormErrors(form, error) {
  clearFormErrors(form);
  if (!(error instanceof ApiError)) {
    $('[data-form-error]', form).textContent = String(error.message || error);
    return;
  }
  const rest = [];
  const fields = error.fieldErrors;
  for (const [name, messages] of Object.entries(fields)) {
    const target = findField(form, name);
    const text = (Array.isArray(messages) ? messages : [messages]).join(' ');
    if (target) {
      target.input.classList.add('invalid');
      target.slot.textContent = text;
    } else {
      rest.push(`${name}: ${text}`);
    }
  }
  if (rest.length || Object.keys(fields).length === 0) {
    $('[data-form-error]', form).textContent = [error.describe(), ...rest].join('\n');
  }
}

function findField(form, name) {
  const norm = s => s.toLowerCase().replace(/[^a-z0-9.]/g, '').replace(/^\$\./, '').replace(/^request\./, '');
  const wanted = norm(name);
  for (const slot of $$('[data-error-for]', form)) {
    const key = norm(slot.dataset.errorFor);
    const last = key.split('.').pop();
    if (key === wanted || wanted.endsWith('.' + key) || key.endsWith('.' + wanted) || wanted === last || wanted.split('.').pop() === last || wanted.startsWith(key + '.')) {
      const input = $(`[data-field="${slot.dataset.errorFor}"]`, form);
      if (input) return { input, slot };
    }
  }
  return null;
}

function clearFormErrors(form) {
  $$('.field-error', form).forEach(e => (e.textContent = ''));
  $$('.invalid', form).forEach(e => e.classList.remove('invalid'));
  $('[data-form-error]', form).textContent = '';
}

/** Client-side checks before sending: the same places show them. */
function requireField(form, field, message) {
  const input = $(`[data-field="${field}"]`, form);
  const slot = $(`[data-error-for="${field}"]`, form);
  if (input && !input.value) {
    input.classList.add('invalid');
    if (slot) slot.textContent = message;
    return false;
  }
  return true;
}

function parsePairs(text, field) {
  const result = {};
  for (const line of text.split(/[\n;]/).map(l => l.trim()).filter(Boolean)) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new ApiError(400, { title: 'Invalid input', errors: { [field]: [`expected name=value, got "${line}"`] } });
    result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}

const intOrNull = v => (v === '' || v === undefined || v === null ? null : parseInt(v, 10));
const numOrNull = v => (v === '' || v === undefined || v === null ? null : parseFloat(v));

// ---- tabs and key ---------------------------------------------------------------------------------------

function showTab(name) {
  $$('nav button').forEach(b => b.classList.toggle('active', b.dataset.tab === name));
  $$('.tab').forEach(t => t.classList.toggle('active', t.id === `tab-${name}`));
  refresh(name);
}

function refresh(name) {
  const loaders = { datasets: loadDatasets, runs: loadRuns, models: loadModels, generate: loadModels, pipelines: loadPipelines };
  (loaders[name] || (() => {}))().catch(showError);
}

// ---- data sets ------------------------------------------------------------------------------------------

async function loadDatasets() {
  const list = (await get('/api/datasets')) || [];
  state.datasets = Array.isArray(list) ? list : pick(list, 'items', 'datasets') || [];
  const body = $('#datasets-table tbody');
  body.innerHTML = state.datasets.map(d => {
    const id = pick(d, 'id', 'datasetId');
    const stats = d.statistics || {};
    return `<tr data-id="${esc(id)}"><td>${esc(d.name)}</td><td>${esc(pick(d, 'modality'))}</td>
      <td>${esc(pick(d, 'trainCount') ?? splitCount(stats, 'train'))}</td><td>${esc(pick(d, 'validationCount') ?? splitCount(stats, 'validation'))}</td>
      <td>${esc(pick(d, 'testCount') ?? splitCount(stats, 'test'))}</td><td>${esc(pick(d, 'classCount') ?? '')}</td><td title="${esc(id)}">${esc(short(id))}</td></tr>`;
  }).join('');
  $$('tr', body).forEach(tr => tr.addEventListener('click', () => showDataset(tr.dataset.id, tr)));
  fillDatasetSelects();
}

function splitCount(stats, split) {
  const s = stats && (stats.splits || stats.perSplit);
  if (Array.isArray(s)) {
    const m = s.find(x => String(x.split).toLowerCase() === split);
    return m ? pick(m, 'count', 'records', 'tokenCount') : '';
  }
  return s && s[split] ? pick(s[split], 'count') : '';
}

function fillDatasetSelects() {
  for (const select of $$('.dataset-select')) {
    const current = select.value;
    const options = state.datasets.map(d => `<option value="${esc(pick(d, 'id', 'datasetId'))}">${esc(d.name)} (${esc(pick(d, 'modality'))}, ${esc(short(pick(d, 'id', 'datasetId')))})</option>`);
    if (select.classList.contains('with-builtins')) {
      options.unshift('<option value="builtin:SyntheticImages">import built-in images</option>', '<option value="builtin:SyntheticText">import built-in text</option>');
    }
    select.innerHTML = options.join('');
    if (current && [...select.options].some(o => o.value === current)) select.value = current;
  }
  const board = $('#leaderboard-dataset');
  if (board.value) loadLeaderboard(board.value).catch(showError);
}

async function showDataset(id, row) {
  $$('#datasets-table tr').forEach(r => r.classList.toggle('selected', r === row));
  const detail = $('#dataset-detail');
  const d = await get(`/api/datasets/${encodeURIComponent(id)}`);
  const stats = d.statistics || (d.manifest && d.manifest.statistics) || {};
  detail.innerHTML = `<h3>${esc(d.name)} <span class="status">${esc(d.modality || '')}</span>
      <button class="danger small" id="delete-dataset">delete</button></h3>
    <table class="list"><tbody>${Object.entries(stats).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(typeof v === 'object' ? JSON.stringify(v) : fmt(v))}</td></tr>`).join('')}</tbody></table>
    <div id="dataset-preview"></div>`;
  $('#delete-dataset').addEventListener('click', async () => {
    if (!confirm(`Delete data set ${d.name}?`)) return;
    try { await del(`/api/datasets/${encodeURIComponent(id)}`); detail.innerHTML = ''; await loadDatasets(); } catch (e) { showError(e); }
  });
  try {
    const preview = await request('GET', `/api/datasets/${encodeURIComponent(id)}/preview`, undefined, { blob: true });
    const target = $('#dataset-preview');
    if (preview.type.startsWith('image/')) {
      target.innerHTML = `<img class="preview" alt="preview" src="${URL.createObjectURL(preview)}">`;
    } else {
      const text = await preview.text();
      let sample = text;
      try { const j = JSON.parse(text); sample = pick(j, 'text', 'sample', 'samples') ?? text; } catch { /* text */ }
      target.innerHTML = `<pre>${esc(Array.isArray(sample) ? sample.join('\n---\n') : sample)}</pre>`;
    }
  } catch (e) {
    $('#dataset-preview').textContent = `preview: ${e.message}`;
  }
}

function importSourceChanged(form) {
  const source = form.source.value;
  for (const e of $$('.when-upload, .when-path', form)) {
    e.hidden = !((source === 'upload' && e.classList.contains('when-upload')) || (source === 'path' && e.classList.contains('when-path')));
  }
}

async function submitImport(event) {
  event.preventDefault();
  const form = event.target;
  clearFormErrors(form);
  if (!requireField(form, 'name', 'A name is required.')) return;
  const options = {};
  if (form.imageSize.value) options.imageSize = intOrNull(form.imageSize.value);
  if (form.seed.value) options.seed = intOrNull(form.seed.value);
  const source = form.source.value;
  try {
    let accepted;
    if (source === 'upload') {
      if (form.files.files.length === 0) { requireField(form, 'files', 'Choose at least one file.'); return; }
      const data = new FormData();
      data.append('name', form.name.value);
      data.append('sourceKind', form.kind.value);
      data.append('options', JSON.stringify(options));
      for (const f of form.files.files) data.append('files', f, f.name);
      accepted = await post('/api/datasets/uploads', data);
    } else if (source === 'path') {
      if (!requireField(form, 'serverPath', 'A server path is required.')) return;
      accepted = await post('/api/datasets/imports', { name: form.name.value, sourceKind: form.kind.value, serverPath: form.serverPath.value, options });
    } else {
      accepted = await post('/api/datasets/imports', { name: form.name.value, sourceKind: source, options });
    }
    await followImport(accepted);
  } catch (e) {
    showFormErrors(form, e);
  }
}

async function followImport(accepted) {
  const box = $('#import-progress');
  box.hidden = false;
  const bar = $('progress', box), label = $('span', box);
  const importId = pick(accepted, 'importId', 'id');
  let status = accepted;
  for (let i = 0; i < 2400 && !pick(status, 'datasetId') && !/failed/i.test(status.status || ''); i++) {
    const total = pick(status, 'itemsTotal'), done = pick(status, 'itemsDone');
    if (total) { bar.max = total; bar.value = done || 0; }
    label.textContent = `${status.stage || status.status || 'importing'}…`;
    await new Promise(r => setTimeout(r, 250));
    status = await get(`/api/datasets/imports/${importId}`);
  }
  bar.value = bar.max;
  if (pick(status, 'datasetId')) {
    label.textContent = `imported as ${short(status.datasetId)}`;
    await loadDatasets();
  } else {
    label.textContent = `failed: ${status.reason || status.status}`;
  }
}

// ---- runs and sweeps ------------------------------------------------------------------------------------

async function loadRuns() {
  if (state.datasets.length === 0) await loadDatasets().catch(() => {});
  const list = (await get('/api/runs')) || [];
  state.runs = Array.isArray(list) ? list : pick(list, 'items', 'runs') || [];
  const body = $('#runs-table tbody');
  body.innerHTML = state.runs.map(r => {
    const id = pick(r, 'id', 'runId');
    const status = String(r.status || '').toLowerCase();
    return `<tr data-id="${esc(id)}" class="${id === state.selectedRun ? 'selected' : ''}"><td title="${esc(id)}">${esc(short(id))}</td><td>${esc(r.family)}</td>
      <td><span class="status ${esc(status)}">${esc(r.status)}</span></td><td>${esc(pick(r, 'step', 'steps') ?? '')}${r.totalSteps ? ' / ' + esc(r.totalSteps) : ''}</td>
      <td>${esc(short(r.datasetId))}</td><td>${esc(short(r.modelId))}</td></tr>`;
  }).join('');
  $$('tr', body).forEach(tr => tr.addEventListener('click', () => selectRun(tr.dataset.id)));
}

let chart;

function selectRun(id) {
  if (state.stopRun) state.stopRun();
  state.selectedRun = id;
  $$('#runs-table tbody tr').forEach(r => r.classList.toggle('selected', r.dataset.id === id));
  const detail = $('#run-detail');
  detail.hidden = false;
  detail.dataset.runId = id;
  $('[data-run-id]', detail).textContent = short(id);
  $('[data-run-status]', detail).textContent = 'connecting';
  ['step', 'throughput', 'lr', 'eta'].forEach(k => ($(`[data-run-${k}]`, detail).textContent = '–'));
  $('#snapshots').innerHTML = '';
  chart = chart || new LineChart($('#loss-chart'));
  chart.clear();
  const seenSnapshots = new Set();
  state.stopRun = stream(`/api/runs/${id}/events`, (type, data) => {
    if (state.selectedRun !== id) return;
    const t = String(type).toLowerCase();
    if (t.includes('progress') && data && typeof data === 'object') {
      const step = pick(data, 'step');
      chart.add(step, data.losses || {});
      $('[data-run-step]', detail).textContent = `${step}${data.totalSteps ? ' / ' + data.totalSteps : ''}`;
      $('[data-run-throughput]', detail).textContent = `${fmt(pick(data, 'itemsPerSecond'))} items/s`;
      $('[data-run-lr]', detail).textContent = fmt(pick(data, 'learningRate'));
      $('[data-run-eta]', detail).textContent = data.etaSeconds != null ? `${Math.round(data.etaSeconds)} s` : '–';
      $('[data-run-status]', detail).textContent = 'running';
      const snapshot = pick(data, 'snapshotArtifactId');
      if (snapshot && !seenSnapshots.has(snapshot)) {
        seenSnapshots.add(snapshot);
        addSnapshot(snapshot, step);
      }
    } else {
      const status = (data && typeof data === 'object' && data.status) || type;
      $('[data-run-status]', detail).textContent = status;
      if (/completed|failed|cancel/i.test(t)) loadRuns().catch(showError);
    }
  }, error => {
    if (error) $('[data-run-status]', detail).textContent = `stream ended: ${error.message}`;
    loadRuns().catch(() => {});
  });
}

async function addSnapshot(artifactId, step) {
  try {
    const url = await imageUrl(artifactPath(artifactId));
    const img = document.createElement('img');
    img.src = url;
    img.title = `step ${step}`;
    img.alt = `snapshot at step ${step}`;
    $('#snapshots').appendChild(img);
  } catch {
    const span = document.createElement('span');
    span.textContent = `snapshot ${short(artifactId)} (step ${step})`;
    $('#snapshots').appendChild(span);
  }
}

async function submitRun(event) {
  event.preventDefault();
  const form = event.target;
  clearFormErrors(form);
  if (!requireField(form, 'datasetId', 'Pick a data set (import one first).')) return;
  try {
    const body = {
      datasetId: form.datasetId.value,
      family: form.family.value,
      hyperparameters: parsePairs(form.hyperparameters.value, 'hyperparameters'),
      budget: { maxSteps: intOrNull(form.maxSteps.value) },
      seed: intOrNull(form.seed.value) ?? 0,
    };
    const run = await post('/api/runs', body);
    const id = pick(run, 'id', 'runId');
    banner(`started run ${short(id)}`, 'info');
    await loadRuns();
    selectRun(id);
  } catch (e) {
    showFormErrors(form, e);
  }
}

async function submitSweep(event) {
  event.preventDefault();
  const form = event.target;
  clearFormErrors(form);
  if (!requireField(form, 'datasetId', 'Pick a data set.') || !requireField(form, 'grid', 'Give at least one name=v1,v2 line.')) return;
  try {
    const grid = Object.fromEntries(Object.entries(parsePairs(form.grid.value, 'grid')).map(([k, v]) => [k, v.split(',').map(s => s.trim()).filter(Boolean)]));
    const sweep = await post('/api/sweeps', {
      datasetId: form.datasetId.value, family: form.family.value, grid, strategy: form.strategy.value,
      trials: intOrNull(form.trials.value), budget: { maxSteps: intOrNull(form.maxSteps.value) },
    });
    const runs = sweep.runs || [];
    $('#sweep-result').textContent = `sweep ${short(pick(sweep, 'id', 'sweepId'))}: ${runs.length} run(s)`;
    await loadRuns();
  } catch (e) {
    showFormErrors(form, e);
  }
}

// ---- models and leaderboard -----------------------------------------------------------------------------

async function loadModels() {
  if (state.datasets.length === 0) await loadDatasets().catch(() => {});
  const list = (await get('/api/models')) || [];
  state.models = Array.isArray(list) ? list : pick(list, 'items', 'models') || [];
  $('#models-table tbody').innerHTML = state.models.map(m => {
    const id = pick(m, 'id', 'modelId');
    const metrics = m.metrics || {};
    return `<tr data-id="${esc(id)}"><td title="${esc(id)}">${esc(short(id))}</td><td>${esc(m.family)}</td><td>${esc(m.version)}</td>
      <td>${esc(short(m.datasetId))}</td><td>${esc(short(m.runId))}</td>
      <td>${esc(Object.entries(metrics).map(([k, v]) => `${k}=${fmt(v)}`).join(' '))}</td>
      <td><button class="small" data-evaluate="${esc(id)}">evaluate</button></td></tr>`;
  }).join('');
  $$('[data-evaluate]').forEach(b => b.addEventListener('click', async e => {
    e.stopPropagation();
    try {
      const ev = await post('/api/evaluations', { modelId: b.dataset.evaluate });
      banner(`evaluation ${short(pick(ev, 'id', 'evaluationId'))} started`, 'info');
    } catch (err) { showError(err); }
  }));
  const select = $('#generate-model');
  const current = select.value;
  select.innerHTML = state.models.map(m => `<option value="${esc(pick(m, 'id', 'modelId'))}" data-family="${esc(m.family)}">${esc(m.family)} ${esc(short(pick(m, 'id', 'modelId')))} (data set ${esc(short(m.datasetId))})</option>`).join('');
  if (current && [...select.options].some(o => o.value === current)) select.value = current;
  modelChanged();
  const board = $('#leaderboard-dataset');
  if (board.value) await loadLeaderboard(board.value);
}

async function loadLeaderboard(datasetId) {
  const board = await get(`/api/leaderboards/${encodeURIComponent(datasetId)}`);
  const entries = (board && (board.entries || board.models || board.rows)) || (Array.isArray(board) ? board : []);
  const baselines = (board && board.baselines) || (entries.find(e => e.baselines) || {}).baselines || {};
  const metrics = [...new Set(entries.flatMap(e => Object.keys(e.metrics || {})))].sort();
  const table = $('#leaderboard-table');
  const columns = ['model', 'family', ...metrics];
  $('thead', table).innerHTML = `<tr>${columns.map(c => `<th data-key="${esc(c)}" class="${state.sort.key === c ? (state.sort.dir > 0 ? 'sorted-asc' : 'sorted-desc') : ''}">${esc(c)}</th>`).join('')}</tr>`;
  const value = (e, c) => (c === 'model' ? pick(e, 'modelId', 'id') : c === 'family' ? e.family : (e.metrics || {})[c]);
  const rows = [...entries];
  if (state.sort.key) {
    rows.sort((a, b) => {
      const x = value(a, state.sort.key), y = value(b, state.sort.key);
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      return (x < y ? -1 : x > y ? 1 : 0) * state.sort.dir;
    });
  }
  const beside = m => Object.entries(baselines).filter(([k]) => k.toLowerCase().includes(m.toLowerCase()));
  $('tbody', table).innerHTML = rows.map(e => `<tr>${columns.map(c => {
    if (c === 'model') return `<td title="${esc(value(e, c))}">${esc(short(value(e, c)))}</td>`;
    if (c === 'family') return `<td>${esc(e.family)}</td>`;
    const own = e.baselines ? Object.entries(e.baselines).filter(([k]) => k.toLowerCase().includes(c.toLowerCase())) : beside(c);
    return `<td>${esc(fmt(value(e, c)))}${own.map(([k, v]) => `<span class="baseline">${esc(k)}: ${esc(fmt(v))}</span>`).join('')}</td>`;
  }).join('')}</tr>`).join('');
  $$('th', table).forEach(th => th.addEventListener('click', () => {
    state.sort = { key: th.dataset.key, dir: state.sort.key === th.dataset.key ? -state.sort.dir : 1 };
    loadLeaderboard(datasetId).catch(showError);
  }));
  $('#leaderboard-baselines').innerHTML = Object.keys(baselines).length
    ? `<p class="hint">Baselines: ${Object.entries(baselines).map(([k, v]) => `${esc(k)} = ${esc(fmt(v))}`).join(', ')}</p>` : '';
}

// ---- generation -----------------------------------------------------------------------------------------

function selectedFamily() {
  const option = $('#generate-model').selectedOptions[0];
  return option ? option.dataset.family : '';
}

function modelChanged() {
  const text = TEXT_FAMILIES.includes(selectedFamily());
  $('.image-params').hidden = text;
  $('.text-params').hidden = !text;
}

async function submitGenerate(event) {
  event.preventDefault();
  const form = event.target;
  clearFormErrors(form);
  if (!requireField(form, 'modelId', 'Pick a model (train one first).')) return;
  const modelId = form.modelId.value;
  const grid = $('#generated-grid'), images = $('#generated-images'), out = $('#generated-text');
  grid.hidden = true; images.innerHTML = ''; out.textContent = ''; out.dataset.tokens = '0';
  try {
    if (TEXT_FAMILIES.includes(selectedFamily())) {
      const text = {
        prompt: form.prompt.value, maxNewTokens: intOrNull(form.maxNewTokens.value) ?? 200, temperature: numOrNull(form.temperature.value) ?? 1,
        topK: intOrNull(form.topK.value), topP: numOrNull(form.topP.value), seed: intOrNull(form.textSeed.value) ?? 0,
      };
      out.textContent = text.prompt;
      await new Promise((resolve, reject) => {
        stream('/api/generations/stream', (type, data) => {
          if (/token|message/.test(type)) {
            const piece = typeof data === 'string' ? data : pick(data, 'text', 'token', 'piece') ?? '';
            out.textContent += piece;
            out.dataset.tokens = String(+out.dataset.tokens + 1);
          } else if (/error|fail/.test(type)) {
            reject(new ApiError(500, { title: 'Generation failed', detail: pick(data, 'reason', 'detail') || JSON.stringify(data) }));
          }
        }, error => (error ? reject(error) : resolve()), { modelId, text });
      });
    } else {
      let result = await post('/api/generations', {
        modelId, images: { count: intOrNull(form.count.value) ?? 16, seed: intOrNull(form.seed.value) ?? 0, classLabel: intOrNull(form.classLabel.value) },
      });
      for (let i = 0; i < 1200 && !result.gridArtifactId && !result.artifactIds && !/failed/i.test(result.status || ''); i++) {
        await new Promise(r => setTimeout(r, 250));
        result = await get(`/api/generations/${pick(result, 'generationId', 'id')}`);
      }
      if (/failed/i.test(result.status || '')) throw new ApiError(500, { title: 'Generation failed', detail: result.reason });
      if (result.gridArtifactId) {
        grid.src = await imageUrl(artifactPath(result.gridArtifactId));
        grid.hidden = false;
      }
      for (const id of result.artifactIds || []) {
        const img = document.createElement('img');
        img.src = await imageUrl(artifactPath(id));
        img.alt = 'generated image';
        images.appendChild(img);
      }
    }
  } catch (e) {
    showFormErrors(form, e);
  }
}

// ---- pipelines ------------------------------------------------------------------------------------------

async function loadPipelines() {
  if (state.datasets.length === 0) await loadDatasets().catch(() => {});
  let list = [];
  try { list = (await get('/api/pipelines')) || []; } catch (e) { if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) throw e; }
  const items = Array.isArray(list) ? list : pick(list, 'items', 'pipelines') || [];
  $('#pipelines-table tbody').innerHTML = items.map(p => {
    const id = pick(p, 'id', 'pipelineId');
    return `<tr data-id="${esc(id)}"><td title="${esc(id)}">${esc(short(id))}</td><td><span class="status">${esc(pick(p, 'status', 'state'))}</span></td>
      <td>${esc(short(p.datasetId))}</td><td>${esc(short(p.runId))}</td><td>${esc(short(p.modelId))}</td></tr>`;
  }).join('');
  $$('#pipelines-table tbody tr').forEach(tr => tr.addEventListener('click', () => followPipeline(tr.dataset.id)));
}

async function showPipeline(id) {
  const p = await get(`/api/pipelines/${id}`);
  const stages = p.stages || [];
  $('#pipeline-detail').innerHTML = `<h3>Pipeline ${esc(short(id))} <span class="status">${esc(pick(p, 'status', 'state'))}</span></h3>
    <table class="list"><tbody>${stages.map(s => `<tr><td>${esc(pick(s, 'name', 'stage'))}</td><td><span class="status ${esc(String(s.status || '').toLowerCase())}">${esc(s.status)}</span></td><td>${esc(pick(s, 'detail', 'reason') ?? '')}</td></tr>`).join('')}</tbody></table>`;
}

function followPipeline(id) {
  if (state.stopPipeline) state.stopPipeline();
  $('#pipeline-events').textContent = '';
  showPipeline(id).catch(showError);
  state.stopPipeline = stream(`/api/pipelines/${id}/events`, (type, data) => {
    $('#pipeline-events').textContent += `${new Date().toLocaleTimeString()} ${type}: ${typeof data === 'string' ? data : JSON.stringify(data)}\n`;
    showPipeline(id).catch(() => {});
  }, () => { showPipeline(id).catch(() => {}); loadPipelines().catch(() => {}); });
}

async function submitPipeline(event) {
  event.preventDefault();
  const form = event.target;
  clearFormErrors(form);
  const dataset = form.pipelineDataset.value;
  const body = {
    family: form.family.value, budget: { maxSteps: intOrNull(form.maxSteps.value) },
    sampleCount: intOrNull(form.sampleCount.value), generateCount: intOrNull(form.generateCount.value),
  };
  if (dataset.startsWith('builtin:')) {
    const kind = dataset.slice('builtin:'.length);
    body.import = { name: kind === 'SyntheticImages' ? 'builtin-images' : 'builtin-text', sourceKind: kind };
  } else {
    body.datasetId = dataset;
  }
  try {
    const p = await post('/api/pipelines', body);
    const id = pick(p, 'id', 'pipelineId');
    await loadPipelines();
    followPipeline(id);
  } catch (e) {
    showFormErrors(form, e);
  }
}

// ---- start ----------------------------------------------------------------------------------------------

function start() {
  $('#api-key').value = apiKey();
  $('#key-state').textContent = apiKey() ? 'key set' : '';
  $('#key-form').addEventListener('submit', e => {
    e.preventDefault();
    setApiKey($('#api-key').value.trim());
    $('#key-state').textContent = apiKey() ? 'key set' : 'no key';
    banner('');
    refresh($('nav button.active').dataset.tab);
  });
  $$('nav button').forEach(b => b.addEventListener('click', () => showTab(b.dataset.tab)));
  $$('[data-refresh]').forEach(b => b.addEventListener('click', () => refresh(b.dataset.refresh)));
  const importForm = $('#import-form');
  importForm.source.addEventListener('change', () => importSourceChanged(importForm));
  importSourceChanged(importForm);
  importForm.addEventListener('submit', submitImport);
  $('#run-form').addEventListener('submit', submitRun);
  $('#sweep-form').addEventListener('submit', submitSweep);
  $('#generate-form').addEventListener('submit', submitGenerate);
  $('#generate-model').addEventListener('change', modelChanged);
  $('#pipeline-form').addEventListener('submit', submitPipeline);
  $('#leaderboard-dataset').addEventListener('change', e => loadLeaderboard(e.target.value).catch(showError));
  $('#cancel-run').addEventListener('click', async () => {
    if (!state.selectedRun) return;
    try { await post(`/api/runs/${state.selectedRun}/cancel`); banner('cancel requested', 'info'); } catch (e) { showError(e); }
  });
  // Lists refresh themselves while their tab is open, so progress shows without a reload.
  setInterval(() => {
    const tab = $('nav button.active').dataset.tab;
    if (tab === 'runs') loadRuns().catch(() => {});
  }, 3000);
  refresh('datasets');
}

start();
