// Placeholder page of the server skeleton: lists the sweeps of /api/home as text (the pages replace it).
import { h, render } from 'preact';
import htm from 'htm';

const html = htm.bind(h);

async function main() {
  const home = await (await fetch('/api/home')).json();
  render(
    html`<h1>dlsweep</h1>
      <p>${home.runs_dir}</p>
      <ul>
        ${home.experiments.map((e) => html`<li>${e.name}: ${e.sweeps.map((s) => `${s.id} ${s.status} ${s.runs_done}/${s.runs_planned ?? '?'}`).join(', ')}</li>`)}
      </ul>`,
    document.getElementById('app'),
  );
}
main();
