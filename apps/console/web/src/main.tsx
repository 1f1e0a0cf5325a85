/** The console page's entry: one store following the terminal, one Preact tree drawing it. */
import { render } from 'preact';
import { App } from './app.js';
import { Store } from './store.js';

const store = new Store();
render(<App store={store} />, document.getElementById('app')!);
void store.start();
