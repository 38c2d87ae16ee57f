/* fp_kernels: small numeric kernels on x87 doubles: an n-body simulation
 * (energy before/after 1000 steps), a mandelbrot escape count, spectral norm,
 * and a long double harmonic sum; results printed with %.17g / %.21Lg. */
#include <stdio.h>
#include <math.h>

#define NB 5
static struct body { double x, y, z, vx, vy, vz, m; } bodies[NB] = {
    {0, 0, 0, 0, 0, 0, 39.47841760435743},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01, 6.06326392995832e-01, 2.81198684491626e+00, -2.52183616598876e-02, 3.7693674870389486e-02},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01, -1.01077434617879e+00, 1.82566237123041e+00, 8.41576137658415e-03, 1.1286326131968767e-02},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01, 1.08279100644154e+00, 8.68713018169608e-01, -1.01086306164765e-02, 1.7237240570597112e-03},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01, 9.79090732243898e-01, 5.94698998647676e-01, -3.47559555040781e-02, 2.0336868699246304e-03},
};

static double energy(void)
{
    double e = 0;
    for (int i = 0; i < NB; i++) {
        struct body *b = &bodies[i];
        e += 0.5 * b->m * (b->vx * b->vx + b->vy * b->vy + b->vz * b->vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b->x - bodies[j].x, dy = b->y - bodies[j].y, dz = b->z - bodies[j].z;
            e -= b->m * bodies[j].m / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static void advance(double dt)
{
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = bodies[i].x - bodies[j].x, dy = bodies[i].y - bodies[j].y, dz = bodies[i].z - bodies[j].z;
            double d2 = dx * dx + dy * dy + dz * dz, mag = dt / (d2 * sqrt(d2));
            bodies[i].vx -= dx * bodies[j].m * mag;
            bodies[i].vy -= dy * bodies[j].m * mag;
            bodies[i].vz -= dz * bodies[j].m * mag;
            bodies[j].vx += dx * bodies[i].m * mag;
            bodies[j].vy += dy * bodies[i].m * mag;
            bodies[j].vz += dz * bodies[i].m * mag;
        }
    for (int i = 0; i < NB; i++) {
        bodies[i].x += dt * bodies[i].vx;
        bodies[i].y += dt * bodies[i].vy;
        bodies[i].z += dt * bodies[i].vz;
    }
}

static int mandel(int w, int h, int maxit)
{
    int total = 0;
    for (int py = 0; py < h; py++)
        for (int px = 0; px < w; px++) {
            double cr = -2.0 + 3.0 * px / w, ci = -1.2 + 2.4 * py / h, zr = 0, zi = 0;
            int k = 0;
            while (k < maxit && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                k++;
            }
            total += k;
        }
    return total;
}

static double A(int i, int j) { return 1.0 / ((i + j) * (i + j + 1) / 2 + i + 1); }

static void mulAv(int n, const double *v, double *av, int t)
{
    for (int i = 0; i < n; i++) {
        double s = 0;
        for (int j = 0; j < n; j++) s += (t ? A(j, i) : A(i, j)) * v[j];
        av[i] = s;
    }
}

int main(void)
{
    printf("nbody e0=%.17g\n", energy());
    for (int s = 0; s < 1000; s++) advance(0.01);
    printf("nbody e1=%.17g x0=%.17g\n", energy(), bodies[1].x);
    printf("mandel %d\n", mandel(60, 40, 200));
    enum { N = 60 };
    double u[N], v[N], tmp[N];
    for (int i = 0; i < N; i++) u[i] = 1;
    for (int k = 0; k < 10; k++) {
        mulAv(N, u, tmp, 0); mulAv(N, tmp, v, 1);
        mulAv(N, v, tmp, 0); mulAv(N, tmp, u, 1);
    }
    double vbv = 0, vv = 0;
    for (int i = 0; i < N; i++) { vbv += u[i] * v[i]; vv += v[i] * v[i]; }
    printf("spectral %.17g\n", sqrt(vbv / vv));
    long double h = 0;
    for (int k = 1; k <= 5000; k++) h += 1.0L / k;
    printf("harmonic %.21Lg %La\n", h, h);
    float f = 0;
    for (int k = 1; k <= 1000; k++) f += 1.0f / (k * (float)k);
    printf("basel float %.9g\n", (double)f);
    return 0;
}
