// The class that gives a page (and each dialog it opens in a portal) the console's
// AA-contrast colours; see contrast.module.css and statusContrast.module.css.
import contrast from './contrast.module.css';
import statusContrast from './statusContrast.module.css';

export const pageScope = `${contrast.scope} ${statusContrast.scope}`;
