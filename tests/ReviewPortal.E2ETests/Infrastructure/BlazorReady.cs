using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Blazor Server pre-renders buttons before the SignalR circuit attaches their handlers; a click in that window is lost.
/// <see cref="InitScript"/> (added to every context by <see cref="BrowserFixture"/>) counts render batches arriving on the
/// /_blazor socket; <see cref="WaitAsync"/> waits until the current document either has no server-interactive
/// components or has received its first render batch (handlers wired).
/// </summary>
public static class BlazorReady
{
    public const string InitScript = """
        (() => {
          if (window.__rpBlazor) return;
          const state = window.__rpBlazor = { renderBatches: 0, sockets: 0 };
          const Native = window.WebSocket;
          const marker = Array.from('JS.RenderBatch', c => c.charCodeAt(0));
          const contains = (buf) => {
            const a = new Uint8Array(buf);
            outer: for (let i = 0; i <= a.length - marker.length; i++) {
              for (let j = 0; j < marker.length; j++) if (a[i + j] !== marker[j]) continue outer;
              return true;
            }
            return false;
          };
          class TrackedWebSocket extends Native {
            constructor(url, protocols) {
              super(url, protocols);
              if (String(url).includes('/_blazor')) {
                state.sockets++;
                this.addEventListener('message', e => {
                  const d = e.data;
                  const isBatch = typeof d === 'string' ? d.includes('JS.RenderBatch') : (d instanceof ArrayBuffer && contains(d));
                  // Count after Blazor's own handler has applied the batch.
                  if (isBatch) setTimeout(() => state.renderBatches++, 0);
                });
              }
            }
          }
          window.WebSocket = TrackedWebSocket;
        })();
        """;

    private const string ReadyCheck = """
        () => {
          const s = window.__rpBlazor;
          if (s && s.renderBatches > 0) return true;
          const walker = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.data.startsWith('Blazor:') && n.data.includes('"type":"server"')) return false;
          }
          return true;
        }
        """;

    /// <summary>Waits (up to the page's default timeout) until server-interactive components on this document are live.</summary>
    public static async Task WaitAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync(ReadyCheck);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException(
                $"Blazor Server components on {page.Url} did not become interactive (no render batch on the /_blazor circuit). " +
                "Check the browser console and that /_framework/blazor.web.js loads.", ex);
        }
    }
}
