using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Tessera.Data;

/// <summary>
/// How a SQLite connection waits for another writer. The bundled SQLite is built without usleep, so its busy
/// timeout sleeps a whole second between retries: any two writers that met cost a second (a job claim behind an
/// upload's transaction, say). This handler retries every millisecond at first, then every 5 ms, for about
/// 30 seconds before giving up with SQLITE_BUSY.
/// </summary>
internal static unsafe partial class SqliteBusyWait
{
    private const int FastRetries = 20;
    private const int MaxRetries = FastRetries + 6_000;

    public static void Install(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var rc = SetBusyHandler(connection.Handle!.DangerousGetHandle(), &Retry, IntPtr.Zero);
        if (rc != 0) throw new InvalidOperationException($"sqlite3_busy_handler failed with code {rc}.");
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_busy_handler")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int SetBusyHandler(IntPtr database, delegate* unmanaged[Cdecl]<IntPtr, int, int> handler, IntPtr argument);

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Retry(IntPtr argument, int count)
    {
        if (count >= MaxRetries) return 0;
        Thread.Sleep(count < FastRetries ? 1 : 5);
        return 1;
    }
}
