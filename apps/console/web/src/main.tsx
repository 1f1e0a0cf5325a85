import { render } from 'preact';
import { cryptoProvider } from '@hotline/log';
render(<p>Hotline {cryptoProvider.name}</p>, document.getElementById('app')!);
