using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Blazor Server pre-renders buttons before the SignalR circuit attaches their handlers; a click in that window is lost.
/// <see cref="InitScript"/> (added to every context by <see cref="BrowserFixture"/>) counts render batches arriving on the
/// /_blazor socket, and counts the server root-component markers (<c>&lt;!--Blazor:{"type":"server",…}--&gt;</c>) as the
/// parser inserts them: blazor.web.js removes those markers when it boots, before the first render batch, so they cannot
/// be looked up later. <see cref="WaitAsync"/> waits until every server root component of the document (App.razor has
/// two: HeadOutlet and Routes, each first rendered in its own batch) has had a render batch applied (handlers wired).
/// </summary>
public static class BlazorReady
{
    public const string InitScript = """
        (() => {
          if (window.__rpBlazor) return;
          const state = window.__rpBlazor = { renderBatches: 0, sockets: 0, serverRoots: 0 };
          const isServerMarker = n => n.nodeType === Node.COMMENT_NODE && n.data.startsWith('Blazor:') && n.data.includes('"type":"server"');
          // A marker can show up twice: as an added node itself and inside an added parent, so count each node once.
          const seen = new WeakSet();
          const count = n => { if (isServerMarker(n) && !seen.has(n)) { seen.add(n); state.serverRoots++; } };
          const countMarkers = root => {
            count(root);
            if (!root.childNodes || root.childNodes.length === 0) return;
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_COMMENT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) count(n);
          };
          // Mutation records keep the added nodes even after blazor.web.js has removed them again.
          new MutationObserver(records => {
            for (const r of records) for (const n of r.addedNodes) countMarkers(n);
          }).observe(document, { childList: true, subtree: true });
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
                  if (isBatch) setTimeout(() => { state.renderBatches++; state.lastBatchAt = performance.now(); }, 0);
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
          if (document.readyState === 'loading') return false;
          if (s && s.serverRoots > 0) return s.renderBatches >= s.serverRoots;
          const walker = document.createTreeWalker(document, NodeFilter.SHOW_COMMENT);
          for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.data.startsWith('Blazor:') && n.data.includes('"type":"server"')) return false;
          }
          return true;
        }
        """;

    /// <summary>
    /// Waits until no render batch has arrived for <paramref name="quietMilliseconds"/>: a click sent while a batch is
    /// replacing the element it targets reaches a handler the server has already dropped, and is lost. Used before clicking
    /// into a grid that has just reloaded (a filter change renders it more than once).
    /// </summary>
    public static Task SettledAsync(IPage page, int quietMilliseconds = 500) =>
        page.WaitForFunctionAsync("quiet => performance.now() - (window.__rpBlazor?.lastBatchAt ?? 0) > quiet", quietMilliseconds);

    /// <summary>Waits (up to the page's default timeout) until every server-interactive root component on this document is live.</summary>
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
