// faultbook theme
