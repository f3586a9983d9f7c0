-- The lowest free number of the claim now, whatever its bound (the core
-- applies the bound).
return lowest_free()
