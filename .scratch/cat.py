import sympy as sp, symfisher as sf, time, sys
import derivations
names = sys.argv[1:] or list(derivations.FAMILIES)
for name in names:
    fam = derivations.FAMILIES[name]
    t=time.time()
    try:
        d=sf.derive(fam.model(), timeout=30)
        ok = d.closed and all(sp.simplify(a-b)==0 for a,b in zip(d.fisher, fam.fisher))
        print(f'{name:24s} {time.time()-t:6.2f}s {d.equality.status:12s} lit={ok} closed={d.closed} {set(d.strategies.values())}', flush=True)
    except Exception as e: print(name, 'ERROR', type(e).__name__, e, flush=True)
