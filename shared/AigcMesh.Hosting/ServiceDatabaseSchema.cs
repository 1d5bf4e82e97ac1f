using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace AigcMesh.Hosting;

/// <summary>
/// Brings a service's Sqlite database to the schema of its newest migration. Databases created before the services
/// had migrations (by EnsureCreated) have the tables but no migrations history: one whose tables and columns are
/// exactly those the first migration creates is recorded as being at that migration and then upgraded like any
/// other; one that differs is refused, naming the difference, instead of failing later on a missing column.
/// </summary>
public static class ServiceDatabaseSchema
{
    public static async Task MigrateAsync(DbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.GetMigrations().Any())
        {
            // A context without migrations (none of the services'; a test's probe context) is created from its model.
            await db.Database.EnsureCreatedAsync(cancellationToken);
            return;
        }
        await AdoptPreMigrationDatabaseAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    private static async Task AdoptPreMigrationDatabaseAsync(DbContext db, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (await history.ExistsAsync(cancellationToken)) return;
        var existing = await TablesAsync(db, cancellationToken);
        if (existing.Count == 0) return;

        var migrations = db.GetService<IMigrationsAssembly>();
        var (firstId, firstType) = migrations.Migrations.First();
        var first = migrations.CreateMigration(firstType, db.Database.ProviderName!);
        var expected = first.UpOperations.OfType<CreateTableOperation>()
            .ToDictionary(t => t.Name, t => t.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        var differences = expected.Keys.Union(existing.Keys).Order(StringComparer.Ordinal)
            .Select(table => (table, want: expected.GetValueOrDefault(table), have: existing.GetValueOrDefault(table)))
            .Select(t => t.want is null ? $"table {t.table} is not in the schema"
                : t.have is null ? $"table {t.table} is missing"
                : t.want.SetEquals(t.have) ? null
                : $"table {t.table} has columns ({string.Join(", ", t.have.Order(StringComparer.Ordinal))}), expected ({string.Join(", ", t.want.Order(StringComparer.Ordinal))})")
            .OfType<string>().ToList();
        var file = db.Database.GetDbConnection().DataSource;
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database {file} was created by an AigcMesh version without migrations and its schema is not the one migration {firstId} starts from: "
                + string.Join("; ", differences) + ". Move the file aside (the service then starts with an empty database) or export what you need from it first.");
        }
        await db.Database.ExecuteSqlRawAsync(history.GetCreateScript(), cancellationToken);
        await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(new HistoryRow(firstId, ProductInfo.GetVersion())), cancellationToken);
    }

    private static async Task<Dictionary<string, HashSet<string>>> TablesAsync(DbContext db, CancellationToken cancellationToken)
    {
        var tables = await db.Database.SqlQueryRaw<string>(
            "SELECT name AS Value FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%'").ToListAsync(cancellationToken);
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var columns = await db.Database.SqlQueryRaw<string>("SELECT name AS Value FROM pragma_table_info({0})", table).ToListAsync(cancellationToken);
            result[table] = columns.ToHashSet(StringComparer.Ordinal);
        }
        return result;
    }
}
