"""Share: the data in the forms people use it (data dictionary, SQL and file exports, Datasette, pictures)."""
