import { say } from './common.js';

const params = new URLSearchParams(location.search);
if (params.has('deleted')) say(document.getElementById('page-msg'), 'ok', 'Your provider account was deleted.');
