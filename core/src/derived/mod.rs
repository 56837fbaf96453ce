//! Derived facts (architecture version, implementer, OAS bits, granules, queue sizes...). OWNER: registers helper.
