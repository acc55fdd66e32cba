// Marp's HTML (bespoke template) writes its on-screen controls in English and the presenter view's clock in
// the computer's locale, often 12-hour. marp-build adds this script to the <head> of every deck it builds
// (templates cannot carry scripts: raw HTML follows an allowlist). It makes every toLocaleTimeString()
// without arguments a 24-hour Spanish time and rewrites the labels Marp creates as they appear.
(() => {
  if (window.cursoControlesEs) return;
  window.cursoControlesEs = true;
  const hora = Date.prototype.toLocaleTimeString;
  Date.prototype.toLocaleTimeString = function (idioma, opciones) {
    if (idioma !== undefined) return hora.call(this, idioma, opciones);
    return hora.call(this, 'es-ES', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  };
  const textos = {
    'Previous slide': 'Diapositiva anterior', 'Next slide': 'Diapositiva siguiente',
    'Toggle fullscreen': 'Pantalla completa', 'Toggle fullscreen (f)': 'Pantalla completa (f)',
    'Toggle overview view': 'Vista general', 'Toggle overview view (o)': 'Vista general (o)',
    'Open presenter view': 'Vista del presentador', 'Open presenter view (p)': 'Vista del presentador (p)',
    'Close overview': 'Cerrar la vista general', 'Previous': 'Anterior', 'Next': 'Siguiente',
    'Bigger notes font size': 'Notas más grandes', 'Smaller notes font size': 'Notas más pequeñas',
    'Current time': 'Hora', 'Timer': 'Tiempo transcurrido (clic para reiniciar)',
  };
  const pagina = /^Page (\d+) of (\d+)$/;
  const traducir = () => {
    for (const el of document.querySelectorAll('[data-bespoke-marp-osc], [class*="bespoke-marp-presenter-"] button, [class*="bespoke-marp-presenter-"] time, .bespoke-marp-overview-close')) {
      if (el.title in textos) el.title = textos[el.title];
      const texto = el.textContent;
      if (texto in textos) el.textContent = textos[texto];
      else if (pagina.test(texto)) el.textContent = texto.replace(pagina, 'Diapositiva $1 de $2');
    }
    const titulo = document.title.replace('[Presenter view]', '[Vista del presentador]').replace('[Overview]', '[Vista general]');
    if (titulo !== document.title) document.title = titulo;
  };
  const observador = new MutationObserver(traducir);
  const empezar = () => {
    traducir();
    observador.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', empezar);
  else empezar();
})();
