import { createConnection, type Connection, type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { withAdminConnection } from "./admin-connection.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

describe("test database harness", () => {
  let database: TestDatabase;
  let connection: Connection;

  beforeAll(async () => {
    database = await createTestDatabase();
    connection = await createConnection(database.url);
  });

  afterAll(async () => {
    await connection?.end();
    await database?.drop();
  });

  it("connects to a MariaDB or MySQL server", async () => {
    const [rows] = await connection.query<RowDataPacket[]>("SELECT VERSION() AS version");
    expect(rows[0].version).toMatch(/MariaDB|^\d+\.\d+\.\d+/);
  });

  it("gives the file its own empty utf8mb4 database", async () => {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT DATABASE() AS name, @@character_set_database AS charset",
    );
    expect(rows[0]).toEqual({ name: database.name, charset: "utf8mb4" });
    const [tables] = await connection.query<RowDataPacket[]>("SHOW TABLES");
    expect(tables).toEqual([]);
  });

  it("stores and reads back a row, emoji included", async () => {
    await connection.query(
      "CREATE TABLE ticket (id INT AUTO_INCREMENT PRIMARY KEY, title VARCHAR(200) NOT NULL)",
    );
    await connection.execute("INSERT INTO ticket (title) VALUES (?)", ["Printer on fire 🔥"]);
    const [rows] = await connection.query<RowDataPacket[]>("SELECT id, title FROM ticket");
    expect(rows).toEqual([{ id: 1, title: "Printer on fire 🔥" }]);
  });

  it("removes the database on drop", async () => {
    const other = await createTestDatabase();
    expect(other.name).not.toBe(database.name);
    await other.drop();
    const [rows] = await withAdminConnection(inject("databaseUrl"), (admin) =>
      admin.query<RowDataPacket[]>("SHOW DATABASES LIKE ?", [other.name]),
    );
    expect(rows).toEqual([]);
  });
});
