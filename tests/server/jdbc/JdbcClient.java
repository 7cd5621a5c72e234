// JdbcClient.java — the PostgreSQL JDBC driver (Debian's
// libpostgresql-jdbc-java) against a PostgreSQL-protocol server:
// connect (the driver reads settings and the catalog at connect time),
// PreparedStatement with typed parameters, batches, a transaction,
// an error with its SQLSTATE, DatabaseMetaData.  Compiled and run by
// tests/server/test-pgwire-drivers.py:  java JdbcClient JDBC-URL USER.
// Exits 0 when every check held.
import java.math.BigDecimal;
import java.sql.*;

public class JdbcClient {
	static void check (boolean ok, String what) {
		if (!ok)
			throw new AssertionError (what);
	}

	static void eq (Object got, Object want, String what) {
		if (got == null ? want != null : !got.equals (want))
			throw new AssertionError (what + ": got " + got + ", want " + want);
	}

	public static void main (String[] args) throws Exception {
		try (Connection c = DriverManager.getConnection (args[0], args[1], "")) {
			try (Statement s = c.createStatement ()) {
				s.execute ("DROP TABLE IF EXISTS jdbc_t");
				s.execute ("CREATE TABLE jdbc_t (id int PRIMARY KEY, name varchar(20), price numeric(10,2), ok boolean, big bigint, d date)");
			}
			try (PreparedStatement p = c.prepareStatement ("INSERT INTO jdbc_t VALUES (?, ?, ?, ?, ?, ?)")) {
				// more than prepareThreshold (5) runs: the driver switches to a named server-side statement
				for (int i = 1; i <= 8; i++) {
					p.setInt (1, i);
					p.setString (2, "name " + i);
					p.setBigDecimal (3, new BigDecimal (i + ".5"));
					p.setBoolean (4, i % 2 == 0);
					p.setLong (5, 10000000000L * i);
					p.setDate (6, Date.valueOf ("2024-02-" + (20 + i)));
					eq (p.executeUpdate (), 1, "insert count");
				}
				p.setInt (1, 9);
				p.setNull (2, Types.VARCHAR);
				p.setNull (3, Types.NUMERIC);
				p.setNull (4, Types.BOOLEAN);
				p.setNull (5, Types.BIGINT);
				p.setNull (6, Types.DATE);
				p.executeUpdate ();
			}
			try (PreparedStatement p = c.prepareStatement ("SELECT id, name, price, ok, big, d FROM jdbc_t WHERE id >= ? AND name LIKE ? ORDER BY id")) {
				p.setInt (1, 7);
				p.setString (2, "name%");
				try (ResultSet r = p.executeQuery ()) {
					check (r.next (), "row 7");
					eq (r.getInt (1), 7, "id");
					eq (r.getString (2), "name 7", "name");
					eq (r.getBigDecimal (3), new BigDecimal ("7.50"), "price");
					eq (r.getBoolean (4), false, "ok");
					eq (r.getLong (5), 70000000000L, "big");
					eq (r.getDate (6).toString (), "2024-02-27", "date");
					ResultSetMetaData md = r.getMetaData ();
					eq (md.getColumnCount (), 6, "columns");
					eq (md.getColumnName (2), "name", "column name");
					eq (md.getColumnType (1), Types.INTEGER, "int type");
					eq (md.getColumnType (3), Types.NUMERIC, "numeric type");
					check (r.next (), "row 8");
					check (!r.next (), "two rows");
				}
			}
			try (PreparedStatement p = c.prepareStatement ("SELECT name IS NULL, price IS NULL FROM jdbc_t WHERE id = ?")) {
				p.setInt (1, 9);
				try (ResultSet r = p.executeQuery ()) {
					check (r.next (), "row 9");
					check (r.getBoolean (1) && r.getBoolean (2), "nulls");
				}
			}
			// a batch in a transaction, rolled back
			c.setAutoCommit (false);
			try (PreparedStatement p = c.prepareStatement ("UPDATE jdbc_t SET price = price + ? WHERE id = ?")) {
				for (int i = 1; i <= 3; i++) {
					p.setBigDecimal (1, BigDecimal.ONE);
					p.setInt (2, i);
					p.addBatch ();
				}
				int[] n = p.executeBatch ();
				eq (n.length, 3, "batch");
			}
			c.rollback ();
			c.setAutoCommit (true);
			try (Statement s = c.createStatement (); ResultSet r = s.executeQuery ("SELECT sum(price) FROM jdbc_t")) {
				r.next ();
				eq (r.getBigDecimal (1), new BigDecimal ("40.00"), "sum after rollback");
			}
			// an error: SQLSTATE, and the connection goes on
			try (PreparedStatement p = c.prepareStatement ("INSERT INTO jdbc_t (id) VALUES (?)")) {
				p.setInt (1, 1);
				p.executeUpdate ();
				throw new AssertionError ("duplicate key accepted");
			} catch (SQLException e) {
				eq (e.getSQLState (), "23505", "sqlstate");
			}
			DatabaseMetaData md = c.getMetaData ();
			eq (md.getDatabaseProductName (), "PostgreSQL", "product");
			check (md.getDatabaseMajorVersion () >= 15, "server version");
			System.out.println ("JDBC: all checks passed (" + md.getDriverName () + " " + md.getDriverVersion () + ")");
		}
	}
}
